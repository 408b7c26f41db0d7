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
    private const string NotificationsMigration = "20261121000004_Notifications";
    private const string AnalyticsMigration = "20261121000005_Analytics";
    private const string OversightMigration = "20261121000006_Oversight";
    private const string RollupFeedMigration = "20261121000007_RollupFeed";
    private const string CaseRevisionGuardMigration = "20261121000008_CaseRevisionGuard";

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
                "case_documents", "case_indicator_rollups", "case_timers", "cases", "command_receipts", "complaints", "definition_drafts",
                "definition_versions", "fee_charges", "incidents", "journal_entries", "message_reads", "node_timing_histograms",
                "node_visits", "outbox_messages", "penalty_points", "ratings", "rollup_feed", "rule_hits", "supervision_orders", "suspensions", "tokens",
                "user_messages", "warnings", "webhook_attempts", "webhook_deliveries", "webhook_subscriptions", "work_items",
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
        Assert.Equal([InitialMigration, LegalTimeMigration, ServerMigration, NotificationsMigration, AnalyticsMigration, OversightMigration, RollupFeedMigration, CaseRevisionGuardMigration], await context.Database.GetAppliedMigrationsAsync(Ct));
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

    [Fact]
    public async Task Migrating_down_from_Notifications_drops_its_tables_and_leaves_the_outbox_undelivered_again()
    {
        await Store.MigrateAsync(Ct);
        var sent = Samples.Outbox(Guid.NewGuid(), sent: true);
        await using (var context = Store.CreateContext())
        {
            context.OutboxMessages.Add(sent);
            await context.SaveChangesAsync(Ct);
        }

        await using (var context = Store.CreateContext())
        {
            await context.GetService<IMigrator>().MigrateAsync(ServerMigration, Ct);
            Assert.Equal([InitialMigration, LegalTimeMigration, ServerMigration], await context.Database.GetAppliedMigrationsAsync(Ct));
        }
        var tables = (await ReadCatalogAsync()).Normalized().Tables;
        Assert.DoesNotContain(tables, t => t.StartsWith("webhook_", StringComparison.Ordinal) || t is "user_messages" or "message_reads");
        await using (var context = Store.CreateContext())
            Assert.Null((await context.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == sent.Id, Ct)).SentAt);

        await Store.MigrateAsync(Ct);
        Assert.Contains("webhook_deliveries", (await ReadCatalogAsync()).Normalized().Tables);
    }

    [Fact]
    public async Task The_notification_tables_keep_what_is_written_and_refuse_a_second_delivery_of_one_message()
    {
        await Store.MigrateAsync(Ct);
        var subscription = new WebhookSubscription
        {
            Id = Guid.NewGuid(), Url = "https://hooks.example.org/bpm?team=住建", Secret = "s3cret-s3cret-s3cret", Department = "县住房和城乡建设局",
            Kinds = "case-overdue,case-warning", Active = true, CreatedBy = "admin", CreatedAt = Samples.At(1),
        };
        var everything = new WebhookSubscription { Id = Guid.NewGuid(), Url = "http://127.0.0.1:9/", Secret = "0123456789abcdef", CreatedBy = "admin", CreatedAt = Samples.At(2) };
        var delivery = new WebhookDelivery
        {
            Id = Guid.NewGuid(), SubscriptionId = subscription.Id, OutboxMessageId = Guid.NewGuid(), Status = DeliveryStatus.DeadLettered, Attempts = 8,
            NextAttemptAt = Samples.At(3), LastStatusCode = 503, LastError = "HTTP 503 Service Unavailable: 维护中", DeliveredAt = null, CreatedAt = Samples.At(2),
        };
        var attempt = new WebhookAttempt { Id = Guid.NewGuid(), DeliveryId = delivery.Id, Attempt = 8, At = Samples.At(3), StatusCode = 503, Error = "维护中", DurationMs = 12 };
        var message = new UserMessage
        {
            Id = Guid.NewGuid(), OutboxMessageId = delivery.OutboxMessageId, Department = "县住房和城乡建设局", CaseId = Guid.NewGuid(), Kind = "case-overdue",
            Subject = "办件超期通知", Body = "县住房和城乡建设局：办件已超期。", CreatedAt = Samples.At(1),
        };
        var read = new MessageRead { MessageId = message.Id, UserId = "window", ReadAt = Samples.At(4) };
        await using (var context = Store.CreateContext())
        {
            context.AddRange(subscription, everything, delivery, attempt, message, read);
            await context.SaveChangesAsync(Ct);
        }

        await using (var context = Store.CreateContext())
        {
            Samples.AssertSame(subscription, await context.WebhookSubscriptions.AsNoTracking().SingleAsync(x => x.Id == subscription.Id, Ct));
            Samples.AssertSame(everything, await context.WebhookSubscriptions.AsNoTracking().SingleAsync(x => x.Id == everything.Id, Ct));
            Samples.AssertSame(delivery, await context.WebhookDeliveries.AsNoTracking().SingleAsync(Ct));
            Samples.AssertSame(attempt, await context.WebhookAttempts.AsNoTracking().SingleAsync(Ct));
            Samples.AssertSame(message, await context.UserMessages.AsNoTracking().SingleAsync(Ct));
            Samples.AssertSame(read, await context.MessageReads.AsNoTracking().SingleAsync(Ct));
        }

        // One delivery per subscription and message, one in-app message per outbox message, one read flag per user.
        async Task RefusedAsync(object duplicate)
        {
            await using var context = Store.CreateContext();
            context.Add(duplicate);
            await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync(Ct));
        }
        await RefusedAsync(new WebhookDelivery { Id = Guid.NewGuid(), SubscriptionId = subscription.Id, OutboxMessageId = delivery.OutboxMessageId, CreatedAt = Samples.At(5), NextAttemptAt = Samples.At(5) });
        await RefusedAsync(new UserMessage { Id = Guid.NewGuid(), OutboxMessageId = message.OutboxMessageId, Department = "x", Kind = "x", CreatedAt = Samples.At(5) });
        await RefusedAsync(new MessageRead { MessageId = message.Id, UserId = "window", ReadAt = Samples.At(6) });
    }

    private static void AssertSameCatalog(Catalog expected, Catalog actual)
    {
        Assert.Equal(expected.Tables, actual.Tables);
        Assert.Equal(expected.Columns, actual.Columns);
        Assert.Equal(expected.PrimaryKeys, actual.PrimaryKeys);
        Assert.Equal(expected.Indexes, actual.Indexes);
    }

    [Fact]
    public async Task The_database_refuses_a_case_update_that_does_not_move_the_revision_on_by_one()
    {
        // No EF concurrency tokens: the check is the database's (so a save needs no transaction of its own to undo).
        await using (var context = Store.CreateContext())
            Assert.DoesNotContain(context.Model.GetEntityTypes().SelectMany(t => t.GetProperties()), p => p.IsConcurrencyToken);
        await MigratedAsync();
        var @case = Samples.Case();
        await SaveAsync([@case]);
        await using var db = Store.CreateContext();
        var id = @case.Id;
        var revision = @case.Revision;

        Assert.Equal(1, await db.Database.ExecuteSqlAsync($"UPDATE cases SET revision = {revision + 1}, data = '{{}}' WHERE id = {id}", Ct));
        foreach (var stale in new[] { revision + 1, revision, revision + 3 })
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
                db.Database.ExecuteSqlAsync($"UPDATE cases SET revision = {stale}, data = '{{\"stale\":1}}' WHERE id = {id}", Ct));
        var stored = await db.Cases.AsNoTracking().SingleAsync(c => c.Id == id, Ct);
        Assert.Equal(("{}", revision + 1), (stored.Data, stored.Revision));
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
