using Bpm.Engine.State;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Bpm.Storage.Tests;

public abstract partial class StorageTests
{
    private const string InitialMigration = "20261121000001_Initial";
    private const string LegalTimeMigration = "20261121000002_LegalTime";
    private const string ServerMigration = "20261121000003_Server";

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
            [
                "case_documents", "case_timers", "cases", "command_receipts", "definition_drafts", "definition_versions", "incidents", "journal_entries",
                "node_visits", "outbox_messages", "penalty_points", "supervision_orders", "suspensions", "tokens", "warnings", "work_items",
            ],
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
        Assert.Equal([InitialMigration, LegalTimeMigration, ServerMigration], await context.Database.GetAppliedMigrationsAsync(Ct));
        Assert.Empty(await context.Database.GetPendingMigrationsAsync(Ct));
    }

    [Fact]
    public async Task A_database_migrated_by_a_newer_server_is_refused_and_left_untouched()
    {
        await Store.MigrateAsync(Ct);
        const string future = "20991231000001_FromTheFuture";
        await using (var context = Store.CreateContext())
            await context.Database.ExecuteSqlRawAsync(
                "INSERT INTO \"__EFMigrationsHistory\" (\"MigrationId\", \"ProductVersion\") VALUES ({0}, '10.0.0')", [future], Ct);
        var before = (await ReadCatalogAsync()).Normalized();

        var refused = await Assert.ThrowsAsync<SchemaTooNewException>(() => Store.MigrateAsync(Ct));
        Assert.Equal([future], refused.UnknownMigrations);
        Assert.Contains("newer than this server", refused.Message);
        Assert.Equal(before.Columns, (await ReadCatalogAsync()).Normalized().Columns);
    }

    [Fact]
    public async Task Migrating_a_database_at_Initial_keeps_its_rows_and_gives_them_the_legal_time_defaults()
    {
        await using (var context = Store.CreateContext())
        {
            await context.GetService<IMigrator>().MigrateAsync(InitialMigration, Ct);
            Assert.Equal([InitialMigration], await context.Database.GetAppliedMigrationsAsync(Ct));
        }

        // Rows as the Initial schema knows them, written in plain SQL (the model has moved on).
        var old = Samples.Case();
        var visit = Samples.Visit(old.Id, open: false);
        var item = Samples.WorkItem(old.Id, WorkItemStatus.Open);
        await using (var context = Store.CreateContext())
        {
            await context.Database.ExecuteSqlAsync($"""
                INSERT INTO cases (id, definition_version_id, power_code, version, status, result, applicant_id, applicant_name, data,
                                   applied_at, ended_at, revision, journal_length, journal_head, open_incidents)
                VALUES ({old.Id}, {old.DefinitionVersionId}, {old.PowerCode}, {old.Version}, {old.Status.ToString()}, {old.Result},
                        {old.ApplicantId}, {old.ApplicantName}, {old.Data}, {old.AppliedAt}, {old.EndedAt}, {old.Revision},
                        {old.JournalLength}, {old.JournalHead}, {old.OpenIncidents})
                """, Ct);
            await context.Database.ExecuteSqlAsync($"""
                INSERT INTO node_visits (id, case_id, token_id, definition_version_id, power_code, version, node_id, node_kind,
                                         department, handler, entered_at, left_at, outcome)
                VALUES ({visit.Id}, {visit.CaseId}, {visit.TokenId}, {visit.DefinitionVersionId}, {visit.PowerCode}, {visit.Version},
                        {visit.NodeId}, {visit.NodeKind}, {visit.Department}, {visit.Handler}, {visit.EnteredAt}, {visit.LeftAt}, {visit.Outcome})
                """, Ct);
            await context.Database.ExecuteSqlAsync($"""
                INSERT INTO work_items (id, case_id, token_id, node_id, node_name, department, role, assignee, status, created_at,
                                        claimed_at, completed_at, completed_by, outcome, opinion, form_data, cancel_reason, caused_by)
                VALUES ({item.Id}, {item.CaseId}, {item.TokenId}, {item.NodeId}, {item.NodeName}, {item.Department}, {item.Role},
                        {item.Assignee}, {item.Status.ToString()}, {item.CreatedAt}, {item.ClaimedAt}, {item.CompletedAt}, {item.CompletedBy},
                        {item.Outcome}, {item.Opinion}, {item.FormData}, {item.CancelReason}, {item.CausedBy})
                """, Ct);
        }

        await Store.MigrateAsync(Ct);

        // What the old rows knew is kept; what they could not know takes the defaults.
        old.AcceptedAt = old.DecidedAt = old.PromisedDue = old.LegalDue = old.CertificateDue = old.SuspendedSince = null;
        old.Light = Light.Green;
        old.SuspendedMs = 0;
        old.WorkingMs = null;
        old.Extensions = 0;
        visit.DueAt = null;
        visit.Light = Light.Green;
        visit.SuspendedMs = 0;
        visit.WorkingMs = null;
        item.Deemed = false;
        await using (var session = Store.OpenSession())
        {
            var snapshot = await session.LoadCaseAsync(old.Id, Ct);
            Assert.NotNull(snapshot);
            Samples.AssertSame(old, snapshot.Case);
            Samples.AssertSame(item, Assert.Single(snapshot.WorkItems));
            Samples.AssertSame(visit, Assert.Single(await session.LoadVisitsAsync(old.Id, Ct)));
            Assert.Empty(snapshot.PendingTimers);

            // And the old case carries on under the new schema.
            snapshot.Case.Revision++;
            snapshot.Case.Light = Light.Yellow;
            snapshot.Case.SuspendedMs = 1000;
            session.Add(Samples.Timer(old.Id, Samples.At(60)));
            await session.SaveAsync(Ct);
        }
        await using (var session = Store.OpenSession())
        {
            var snapshot = (await session.LoadCaseAsync(old.Id, Ct))!;
            Assert.Equal(Light.Yellow, snapshot.Case.Light);
            Assert.Equal(1000, snapshot.Case.SuspendedMs);
            Assert.Single(snapshot.PendingTimers);
        }
    }

    [Fact]
    public async Task Migrating_down_to_Initial_and_up_again_restores_each_schema()
    {
        await using var context = Store.CreateContext();
        var migrator = context.GetService<IMigrator>();
        await migrator.MigrateAsync(InitialMigration, Ct);
        var initial = (await ReadCatalogAsync()).Normalized();
        await Store.MigrateAsync(Ct);
        var latest = (await ReadCatalogAsync()).Normalized();

        await migrator.MigrateAsync(InitialMigration, Ct);
        AssertSameCatalog(initial, (await ReadCatalogAsync()).Normalized());
        Assert.Equal([InitialMigration], await context.Database.GetAppliedMigrationsAsync(Ct));

        await Store.MigrateAsync(Ct);
        AssertSameCatalog(latest, (await ReadCatalogAsync()).Normalized());
    }

    private static void AssertSameCatalog(Catalog expected, Catalog actual)
    {
        Assert.Equal(expected.Tables, actual.Tables);
        Assert.Equal(expected.Columns, actual.Columns);
        Assert.Equal(expected.PrimaryKeys, actual.PrimaryKeys);
        Assert.Equal(expected.Indexes, actual.Indexes);
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
