using Bpm.Engine.State;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Bpm.Storage.Tests;

public abstract partial class StorageTests
{
    private const string InitialMigration = "20261121000001_Initial";

    [Fact]
    public async Task Migrating_a_fresh_database_creates_exactly_what_the_model_maps()
    {
        await Store.MigrateAsync(Ct);

        var expected = ModelCatalog().Normalized();
        var actual = WithoutMigrationBookkeeping(await ReadCatalogAsync()).Normalized();
        Assert.Equal(expected.Tables, actual.Tables);
        Assert.Equal(expected.Columns, actual.Columns);
        Assert.Equal(expected.PrimaryKeys, actual.PrimaryKeys);
        Assert.Equal(expected.Indexes, actual.Indexes);
        // The spec's tables, so a model change that drops one is noticed too.
        Assert.Equal(
            ["case_documents", "cases", "command_receipts", "definition_versions", "incidents", "journal_entries", "node_visits", "tokens", "work_items"],
            actual.Tables);
    }

    [Fact]
    public async Task Migrating_twice_changes_nothing()
    {
        await Store.MigrateAsync(Ct);
        var before = (await ReadCatalogAsync()).Normalized();

        await Store.MigrateAsync(Ct);

        var after = (await ReadCatalogAsync()).Normalized();
        Assert.Equal(before.Tables, after.Tables);
        Assert.Equal(before.Columns, after.Columns);
        Assert.Equal(before.Indexes, after.Indexes);
        await using var context = Store.CreateContext();
        Assert.Equal([InitialMigration], await context.Database.GetAppliedMigrationsAsync(Ct));
        Assert.Empty(await context.Database.GetPendingMigrationsAsync(Ct));
    }

    [Fact]
    public void The_case_revision_is_the_concurrency_token_and_nothing_else_is()
    {
        using var context = Store.CreateContext();
        var tokens = context.Model.GetEntityTypes()
            .SelectMany(t => t.GetProperties())
            .Where(p => p.IsConcurrencyToken)
            .Select(p => $"{p.DeclaringType.ClrType.Name}.{p.Name}");
        Assert.Equal([$"{nameof(Case)}.{nameof(Case.Revision)}"], tokens);
    }

    [Fact]
    public void Json_columns_are_plain_text()
    {
        using var context = Store.CreateContext();
        var model = context.GetService<IDesignTimeModel>().Model;
        string StoreType<T>(string property) =>
            model.FindEntityType(typeof(T))!.FindProperty(property)!.GetColumnType().ToLowerInvariant();

        Assert.All(
            [
                StoreType<Case>(nameof(Case.Data)), StoreType<WorkItem>(nameof(WorkItem.FormData)),
                StoreType<JournalEntry>(nameof(JournalEntry.Payload)), StoreType<DefinitionVersion>(nameof(DefinitionVersion.Definition)),
                StoreType<DefinitionVersion>(nameof(DefinitionVersion.Layout)), StoreType<CommandReceipt>(nameof(CommandReceipt.Result)),
            ],
            type => Assert.Equal("text", type));
    }

    /// <summary>The catalog the EF model describes for this provider.</summary>
    private Catalog ModelCatalog()
    {
        using var context = Store.CreateContext();
        var model = context.GetService<IDesignTimeModel>().Model.GetRelationalModel();
        var tables = model.Tables.ToList();
        return new Catalog(
            tables.Select(t => t.Name).ToList(),
            tables.SelectMany(t => t.Columns.Select(c => Catalog.Column(t.Name, c.Name, c.StoreType, c.IsNullable))).ToList(),
            tables.Select(t => Catalog.PrimaryKey(t.Name, t.PrimaryKey!.Name, t.PrimaryKey.Columns.Select(c => c.Name))).ToList(),
            tables.SelectMany(t => t.Indexes.Select(i => Catalog.Index(t.Name, i.Name, i.Columns.Select(c => c.Name), i.IsUnique))).ToList());
    }

    /// <summary>Leaves out EF's own tables (__EFMigrationsHistory, and __EFMigrationsLock on SQLite).</summary>
    private static Catalog WithoutMigrationBookkeeping(Catalog catalog)
    {
        static bool Ours(string line) => !line.StartsWith("__EF", StringComparison.Ordinal);
        return new Catalog(
            catalog.Tables.Where(Ours).ToList(),
            catalog.Columns.Where(Ours).ToList(),
            catalog.PrimaryKeys.Where(Ours).ToList(),
            catalog.Indexes.Where(Ours).ToList());
    }
}
