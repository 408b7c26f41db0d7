using Bpm.Engine.State;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Bpm.Storage.Tests;

public abstract partial class StorageTests
{
    [Fact]
    public async Task The_oversight_migration_goes_down_and_up_again_and_keeps_old_orders_readable()
    {
        await Store.MigrateAsync(Ct);
        var migrated = (await ReadCatalogAsync()).Normalized();
        var @case = Samples.Case();
        var signed = Samples.Order(@case.Id, SupervisionStatus.Signed);
        await using (var session = await Store.OpenAsync(Ct))
        {
            session.Add(@case);
            session.Add(signed);
            await session.SaveAsync(Ct);
        }

        await using (var context = Store.CreateContext())
            await context.GetService<IMigrator>().MigrateAsync("20261121000004_Notifications", cancellationToken: Ct);
        var down = (await ReadCatalogAsync()).Normalized();
        Assert.DoesNotContain("rule_hits", down.Tables);
        Assert.DoesNotContain("ratings", down.Tables);
        await using (var context = Store.CreateContext())
            Assert.Equal("Issued", await context.Database.SqlQuery<string>($"SELECT status AS \"Value\" FROM supervision_orders WHERE id = {signed.Id}").SingleAsync(Ct));

        await Store.MigrateAsync(Ct);
        var up = (await ReadCatalogAsync()).Normalized();
        Assert.Equal(migrated.Tables, up.Tables);
        Assert.Equal(migrated.Columns, up.Columns);
        Assert.Equal(migrated.Indexes, up.Indexes);
        await using (var context = Store.CreateContext())
        {
            var order = await context.SupervisionOrders.AsNoTracking().SingleAsync(o => o.Id == signed.Id, Ct);
            Assert.Equal((SupervisionStatus.Issued, order.IssuedAt), (order.Status, order.StatusAt)); // status_at filled from the old columns
        }
    }
}
