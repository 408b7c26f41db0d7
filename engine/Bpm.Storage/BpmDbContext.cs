using System.Text;
using Bpm.Engine.State;
using Bpm.Storage.Supervision;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Bpm.Storage;

/// <summary>
/// The engine's tables, mapped onto the engine's own state classes (<c>Bpm.Engine.State</c>). One model for
/// both providers; <see cref="PostgresBpmDbContext"/> and <see cref="SqliteBpmDbContext"/> each have their own
/// migration classes, thin wrappers over one body per migration (Migrations/*Schema.cs) in that provider's column
/// types. Table and column names are snake_case; enums are stored by name; JSON is plain text so its exact bytes
/// (which the journal hash covers) survive; every <see cref="DateTime"/> is UTC (on SQLite, text that sorts
/// chronologically: see <see cref="Migrations.StoreTypes.Sqlite"/>).
/// </summary>
public abstract class BpmDbContext : DbContext
{
    // Column widths. varchar(n) counts characters, so Chinese names fit as well as Latin ones.
    internal const int CodeLength = 64;      // power codes, journal kinds, command names
    internal const int IdLength = 128;       // node, branch, template, user and department ids
    internal const int NameLength = 256;     // human-readable names
    internal const int HashLength = 128;     // hex SHA-256 (64) with room for a prefix
    internal const int EnumLength = 32;      // enum names and short words
    internal const int ReceiptKeyLength = 200;
    internal const int UrlLength = 2048;     // webhook URLs
    internal const int PointsPrecision = 12; // penalty points: numeric(12,2)
    internal const int PointsScale = 2;
    internal const int MoneyPrecision = 18;  // fees in yuan: numeric(18,2)
    internal const int MoneyScale = 2;

    private protected BpmDbContext(DbContextOptions options) : base(options)
    {
    }

    public DbSet<DefinitionVersion> DefinitionVersions => Set<DefinitionVersion>();
    public DbSet<DefinitionDraft> DefinitionDrafts => Set<DefinitionDraft>();
    public DbSet<Case> Cases => Set<Case>();
    public DbSet<Token> Tokens => Set<Token>();
    public DbSet<WorkItem> WorkItems => Set<WorkItem>();
    public DbSet<NodeVisit> NodeVisits => Set<NodeVisit>();
    public DbSet<JournalEntry> JournalEntries => Set<JournalEntry>();
    public DbSet<Incident> Incidents => Set<Incident>();
    public DbSet<CommandReceipt> CommandReceipts => Set<CommandReceipt>();
    public DbSet<CaseDocument> CaseDocuments => Set<CaseDocument>();
    public DbSet<CaseTimer> CaseTimers => Set<CaseTimer>();
    public DbSet<Suspension> Suspensions => Set<Suspension>();
    public DbSet<Warning> Warnings => Set<Warning>();
    public DbSet<SupervisionOrder> SupervisionOrders => Set<SupervisionOrder>();
    public DbSet<PenaltyPoint> PenaltyPoints => Set<PenaltyPoint>();
    public DbSet<RuleHit> RuleHits => Set<RuleHit>();
    public DbSet<Rating> Ratings => Set<Rating>();
    public DbSet<Complaint> Complaints => Set<Complaint>();
    public DbSet<FeeCharge> FeeCharges => Set<FeeCharge>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<WebhookAttempt> WebhookAttempts => Set<WebhookAttempt>();
    public DbSet<UserMessage> UserMessages => Set<UserMessage>();
    public DbSet<MessageRead> MessageReads => Set<MessageRead>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    // Nullability follows the engine's nullable annotations: `string` is NOT NULL, `string?` and `DateTime?` are NULL.
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<DefinitionVersion>(e =>
        {
            e.ToTable("definition_versions");
            e.HasKey(x => x.Id).HasName("pk_definition_versions");
            e.Property(x => x.PowerCode).HasMaxLength(CodeLength);
            e.Property(x => x.PowerName).HasMaxLength(NameLength);
            e.Property(x => x.Category).HasMaxLength(CodeLength);
            e.Property(x => x.Subject).HasMaxLength(NameLength);
            e.Property(x => x.ContentHash).HasMaxLength(HashLength);
            e.Property(x => x.State).HasConversion<string>().HasMaxLength(EnumLength);
            e.Property(x => x.PublishedBy).HasMaxLength(IdLength);
            e.HasIndex(x => new { x.PowerCode, x.Version }).IsUnique().HasDatabaseName("ux_definition_versions_power_code_version");
            e.HasIndex(x => new { x.PowerCode, x.ContentHash }).HasDatabaseName("ix_definition_versions_power_code_content_hash");
        });

        modelBuilder.Entity<DefinitionDraft>(e =>
        {
            e.ToTable("definition_drafts");
            e.HasKey(x => x.Id).HasName("pk_definition_drafts");
            e.Property(x => x.PowerCode).HasMaxLength(CodeLength);
            e.Property(x => x.Subject).HasMaxLength(NameLength);
            e.Property(x => x.Format).HasMaxLength(EnumLength);
            e.Property(x => x.CreatedBy).HasMaxLength(IdLength);
            e.HasIndex(x => new { x.PowerCode, x.CreatedAt }).HasDatabaseName("ix_definition_drafts_power_code_created_at");
        });

        modelBuilder.Entity<Case>(e =>
        {
            e.ToTable("cases");
            e.HasKey(x => x.Id).HasName("pk_cases");
            e.Property(x => x.PowerCode).HasMaxLength(CodeLength);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(EnumLength);
            e.Property(x => x.Result).HasMaxLength(CodeLength);
            e.Property(x => x.ApplicantId).HasMaxLength(IdLength);
            e.Property(x => x.ApplicantName).HasMaxLength(NameLength);
            e.Property(x => x.JournalHead).HasMaxLength(HashLength);
            e.Property(x => x.Light).HasConversion<string>().HasMaxLength(EnumLength);
            // Not an EF concurrency token: the database refuses a write that does not move the revision on by one
            // (CaseRevisionGuard migration), so a save needs no transaction of its own to undo a stale write.
            e.Ignore(x => x.IsOver);
            e.HasIndex(x => new { x.PowerCode, x.Version }).HasDatabaseName("ix_cases_power_code_version");
            // Also what a status-only filter uses (the LegalTime migration dropped the old ix_cases_status for it).
            e.HasIndex(x => new { x.Status, x.PromisedDue }).HasDatabaseName("ix_cases_status_promised_due");
            e.HasIndex(x => x.Light).HasDatabaseName("ix_cases_light");
            // The exchange export's windows (Oversight migration).
            e.HasIndex(x => x.AppliedAt).HasDatabaseName("ix_cases_applied_at");
            e.HasIndex(x => x.AcceptedAt).HasDatabaseName("ix_cases_accepted_at");
            e.HasIndex(x => x.EndedAt).HasDatabaseName("ix_cases_ended_at");
            // Open cases only (see the Analytics migration): the indicators' open counts and the light board's join.
            e.HasIndex(x => new { x.PowerCode, x.AppliedAt, x.PromisedDue, x.LegalDue, x.DefinitionVersionId }).HasFilter("ended_at IS NULL")
                .HasDatabaseName("ix_cases_open");
            e.HasIndex(x => new { x.Id, x.Light, x.SuspendedSince, x.PromisedDue, x.PowerCode, x.AppliedAt }).HasFilter("ended_at IS NULL")
                .HasDatabaseName("ix_cases_open_lights");
        });

        modelBuilder.Entity<Token>(e =>
        {
            e.ToTable("tokens");
            e.HasKey(x => x.Id).HasName("pk_tokens");
            e.Property(x => x.BranchId).HasMaxLength(IdLength);
            e.Property(x => x.NodeId).HasMaxLength(IdLength);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(EnumLength);
            e.Property(x => x.Verdict).HasMaxLength(EnumLength);
            e.Ignore(x => x.IsLive);
            e.HasIndex(x => new { x.CaseId, x.Status }).HasDatabaseName("ix_tokens_case_id_status");
        });

        modelBuilder.Entity<WorkItem>(e =>
        {
            e.ToTable("work_items");
            e.HasKey(x => x.Id).HasName("pk_work_items");
            e.Property(x => x.NodeId).HasMaxLength(IdLength);
            e.Property(x => x.NodeName).HasMaxLength(NameLength);
            e.Property(x => x.Department).HasMaxLength(IdLength);
            e.Property(x => x.Role).HasMaxLength(IdLength);
            e.Property(x => x.Assignee).HasMaxLength(IdLength);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(EnumLength);
            e.Property(x => x.CompletedBy).HasMaxLength(IdLength);
            e.Property(x => x.Outcome).HasMaxLength(IdLength);
            e.Ignore(x => x.IsOpen);
            e.HasIndex(x => new { x.CaseId, x.Status }).HasDatabaseName("ix_work_items_case_id_status");
            e.HasIndex(x => new { x.Department, x.Status }).HasDatabaseName("ix_work_items_department_status");
            e.HasIndex(x => x.CausedBy).HasDatabaseName("ix_work_items_caused_by");
        });

        modelBuilder.Entity<NodeVisit>(e =>
        {
            e.ToTable("node_visits");
            e.HasKey(x => x.Id).HasName("pk_node_visits");
            e.Property(x => x.PowerCode).HasMaxLength(CodeLength);
            e.Property(x => x.NodeId).HasMaxLength(IdLength);
            e.Property(x => x.NodeKind).HasMaxLength(EnumLength);
            e.Property(x => x.Department).HasMaxLength(IdLength);
            e.Property(x => x.Handler).HasMaxLength(IdLength);
            e.Property(x => x.Outcome).HasMaxLength(IdLength);
            e.Property(x => x.Light).HasConversion<string>().HasMaxLength(EnumLength);
            e.HasIndex(x => x.CaseId).HasDatabaseName("ix_node_visits_case_id");
            e.HasIndex(x => x.EnteredAt).HasDatabaseName("ix_node_visits_entered_at");
            e.HasIndex(x => new { x.PowerCode, x.Version, x.NodeId, x.EnteredAt })
                .HasDatabaseName("ix_node_visits_power_code_version_node_id_entered_at");
            e.HasIndex(x => new { x.Department, x.EnteredAt }).HasDatabaseName("ix_node_visits_department_entered_at");
            // The light board and the open counts of node timing read only open visits: a partial index over them stays
            // as small as the work in progress, however many millions of closed visits the table holds.
            e.HasIndex(x => new { x.PowerCode, x.NodeId, x.Department, x.NodeKind, x.Light, x.DueAt, x.EnteredAt, x.CaseId, x.TokenId, x.Id })
                .HasFilter("left_at IS NULL").HasDatabaseName("ix_node_visits_open");
        });

        modelBuilder.Entity<JournalEntry>(e =>
        {
            e.ToTable("journal_entries");
            e.HasKey(x => new { x.CaseId, x.Seq }).HasName("pk_journal_entries");
            e.Property(x => x.Actor).HasMaxLength(IdLength);
            e.Property(x => x.Kind).HasMaxLength(CodeLength);
            e.Property(x => x.NodeId).HasMaxLength(IdLength);
            e.Property(x => x.PreviousHash).HasMaxLength(HashLength);
            e.Property(x => x.Hash).HasMaxLength(HashLength);
        });

        modelBuilder.Entity<Incident>(e =>
        {
            e.ToTable("incidents");
            e.HasKey(x => x.Id).HasName("pk_incidents");
            e.Property(x => x.NodeId).HasMaxLength(IdLength);
            e.Property(x => x.Outcome).HasMaxLength(IdLength);
            e.HasIndex(x => x.CaseId).HasDatabaseName("ix_incidents_case_id");
        });

        modelBuilder.Entity<CommandReceipt>(e =>
        {
            e.ToTable("command_receipts");
            e.HasKey(x => x.Key).HasName("pk_command_receipts");
            e.Property(x => x.Key).HasMaxLength(ReceiptKeyLength);
            e.Property(x => x.Command).HasMaxLength(CodeLength);
        });

        modelBuilder.Entity<CaseDocument>(e =>
        {
            e.ToTable("case_documents");
            e.HasKey(x => x.Id).HasName("pk_case_documents");
            e.Property(x => x.NodeId).HasMaxLength(IdLength);
            e.Property(x => x.TemplateId).HasMaxLength(IdLength);
            e.Property(x => x.Name).HasMaxLength(NameLength);
            e.Property(x => x.Recipient).HasMaxLength(EnumLength);
            e.HasIndex(x => x.CaseId).HasDatabaseName("ix_case_documents_case_id");
        });

        modelBuilder.Entity<CaseTimer>(e =>
        {
            e.ToTable("case_timers");
            e.HasKey(x => x.Id).HasName("pk_case_timers");
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(EnumLength);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(EnumLength);
            e.Property(x => x.NodeId).HasMaxLength(IdLength);
            // The pump's query (StoreQueries.DueTimers) is a range scan of this index in due order.
            e.HasIndex(x => new { x.Status, x.DueAt }).HasDatabaseName("ix_case_timers_status_due_at");
            e.HasIndex(x => new { x.CaseId, x.Status }).HasDatabaseName("ix_case_timers_case_id_status");
        });

        modelBuilder.Entity<Suspension>(e =>
        {
            e.ToTable("suspensions");
            e.HasKey(x => x.Id).HasName("pk_suspensions");
            e.Property(x => x.NodeId).HasMaxLength(IdLength);
            e.Property(x => x.Kind).HasMaxLength(NameLength);
            e.Property(x => x.Effect).HasMaxLength(EnumLength);
            e.Property(x => x.Approver).HasMaxLength(IdLength);
            e.Property(x => x.Budget).HasMaxLength(CodeLength);
            e.Property(x => x.RequestedBy).HasMaxLength(IdLength);
            e.HasIndex(x => x.CaseId).HasDatabaseName("ix_suspensions_case_id");
            e.HasIndex(x => x.StartedAt).HasDatabaseName("ix_suspensions_started_at");
        });

        modelBuilder.Entity<Warning>(e =>
        {
            e.ToTable("warnings");
            e.HasKey(x => x.Id).HasName("pk_warnings");
            e.Property(x => x.PowerCode).HasMaxLength(CodeLength);
            e.Property(x => x.NodeId).HasMaxLength(IdLength);
            e.Property(x => x.Department).HasMaxLength(IdLength);
            e.Property(x => x.Kind).HasMaxLength(CodeLength);
            e.Property(x => x.Light).HasConversion<string>().HasMaxLength(EnumLength);
            e.HasIndex(x => new { x.PowerCode, x.At }).HasDatabaseName("ix_warnings_power_code_at");
            e.HasIndex(x => new { x.Department, x.At }).HasDatabaseName("ix_warnings_department_at");
            e.HasIndex(x => x.CaseId).HasDatabaseName("ix_warnings_case_id");
        });

        modelBuilder.Entity<SupervisionOrder>(e =>
        {
            e.ToTable("supervision_orders");
            e.HasKey(x => x.Id).HasName("pk_supervision_orders");
            e.Property(x => x.No).HasMaxLength(IdLength);
            e.Property(x => x.Rule).HasMaxLength(CodeLength);
            e.Property(x => x.Level).HasConversion<string>().HasMaxLength(EnumLength);
            e.Property(x => x.Department).HasMaxLength(IdLength);
            e.Property(x => x.Supervisor).HasMaxLength(IdLength);
            e.Property(x => x.NodeId).HasMaxLength(IdLength);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(EnumLength);
            e.HasIndex(x => x.CaseId).HasDatabaseName("ix_supervision_orders_case_id");
            e.HasIndex(x => new { x.Department, x.Status }).HasDatabaseName("ix_supervision_orders_department_status");
            e.HasIndex(x => new { x.Status, x.ResponseDue }).HasDatabaseName("ix_supervision_orders_status_response_due");
            e.Property(x => x.SignedBy).HasMaxLength(IdLength);
            e.Property(x => x.AnswerKind).HasMaxLength(EnumLength);
            e.Property(x => x.AnsweredBy).HasMaxLength(IdLength);
            e.Property(x => x.ClosedBy).HasMaxLength(IdLength);
            e.Ignore(x => x.IsOpen);
            // Supervisors' list and the exchange export by time window: newest first over issued_at.
            e.HasIndex(x => x.IssuedAt).HasDatabaseName("ix_supervision_orders_issued_at");
        });

        modelBuilder.Entity<RuleHit>(e =>
        {
            e.ToTable("rule_hits");
            e.HasKey(x => x.Id).HasName("pk_rule_hits");
            e.Property(x => x.PowerCode).HasMaxLength(CodeLength);
            e.Property(x => x.Rule).HasMaxLength(CodeLength);
            e.Property(x => x.Level).HasConversion<string>().HasMaxLength(EnumLength);
            e.Property(x => x.NodeId).HasMaxLength(IdLength);
            e.Property(x => x.Department).HasMaxLength(IdLength);
            e.Property(x => x.Actor).HasMaxLength(IdLength);
            e.HasIndex(x => x.CaseId).HasDatabaseName("ix_rule_hits_case_id");
            e.HasIndex(x => new { x.Rule, x.At }).HasDatabaseName("ix_rule_hits_rule_at");
            e.HasIndex(x => new { x.Department, x.At }).HasDatabaseName("ix_rule_hits_department_at");
        });

        modelBuilder.Entity<Rating>(e =>
        {
            e.ToTable("ratings");
            e.HasKey(x => x.Id).HasName("pk_ratings");
            e.Property(x => x.PowerCode).HasMaxLength(CodeLength);
            e.Property(x => x.Stage).HasConversion<string>().HasMaxLength(EnumLength);
            e.Property(x => x.Channel).HasMaxLength(EnumLength);
            e.Property(x => x.Department).HasMaxLength(IdLength);
            e.Property(x => x.Rectification).HasConversion<string>().HasMaxLength(EnumLength);
            e.Property(x => x.RectifyLight).HasConversion<string>().HasMaxLength(EnumLength);
            e.Property(x => x.RectifiedBy).HasMaxLength(IdLength);
            e.Ignore(x => x.IsBad);
            // 一事一评: one rating per case and stage, however many requests race.
            e.HasIndex(x => new { x.CaseId, x.Stage }).IsUnique().HasDatabaseName("ux_ratings_case_id_stage");
            e.HasIndex(x => x.RatedAt).HasDatabaseName("ix_ratings_rated_at");
            e.HasIndex(x => new { x.Department, x.Rectification }).HasDatabaseName("ix_ratings_department_rectification");
        });

        modelBuilder.Entity<Complaint>(e =>
        {
            e.ToTable("complaints");
            e.HasKey(x => x.Id).HasName("pk_complaints");
            e.Property(x => x.Department).HasMaxLength(IdLength);
            e.Property(x => x.Complainant).HasMaxLength(NameLength);
            e.Property(x => x.Contact).HasMaxLength(NameLength);
            e.Property(x => x.RoutedTo).HasMaxLength(IdLength);
            e.Property(x => x.ReceivedBy).HasMaxLength(IdLength);
            e.HasIndex(x => x.CaseId).HasDatabaseName("ix_complaints_case_id");
            e.HasIndex(x => new { x.Department, x.ReceivedAt }).HasDatabaseName("ix_complaints_department_received_at");
        });

        modelBuilder.Entity<FeeCharge>(e =>
        {
            e.ToTable("fee_charges");
            e.HasKey(x => x.Id).HasName("pk_fee_charges");
            e.Property(x => x.Name).HasMaxLength(NameLength);
            e.Property(x => x.Amount).HasPrecision(MoneyPrecision, MoneyScale);
            e.Property(x => x.Payer).HasMaxLength(NameLength);
            e.Property(x => x.ChargedBy).HasMaxLength(IdLength);
            e.Property(x => x.Department).HasMaxLength(IdLength);
            e.HasIndex(x => x.CaseId).HasDatabaseName("ix_fee_charges_case_id");
        });

        modelBuilder.Entity<PenaltyPoint>(e =>
        {
            e.ToTable("penalty_points");
            e.HasKey(x => x.Id).HasName("pk_penalty_points");
            e.Property(x => x.Department).HasMaxLength(IdLength);
            e.Property(x => x.EventKind).HasMaxLength(CodeLength);
            e.Property(x => x.Points).HasPrecision(PointsPrecision, PointsScale);
            e.Property(x => x.Period).HasMaxLength(EnumLength);
            e.HasIndex(x => new { x.Department, x.Period }).HasDatabaseName("ix_penalty_points_department_period");
        });

        modelBuilder.Entity<OutboxMessage>(e =>
        {
            e.ToTable("outbox_messages");
            e.HasKey(x => x.Id).HasName("pk_outbox_messages");
            e.Property(x => x.Kind).HasMaxLength(CodeLength);
            e.Property(x => x.Recipient).HasMaxLength(NameLength);
            // SentAt is "fanned out" (Notifications migration): the dispatcher's WHERE sent_at IS NULL reads this index.
            e.HasIndex(x => x.SentAt).HasDatabaseName("ix_outbox_messages_sent_at");
        });

        modelBuilder.Entity<WebhookSubscription>(e =>
        {
            e.ToTable("webhook_subscriptions");
            e.HasKey(x => x.Id).HasName("pk_webhook_subscriptions");
            e.Property(x => x.Url).HasMaxLength(UrlLength);
            e.Property(x => x.Secret).HasMaxLength(NameLength);
            e.Property(x => x.Department).HasMaxLength(NameLength);
            e.Property(x => x.CreatedBy).HasMaxLength(IdLength);
            e.Ignore(x => x.KindList);
        });

        modelBuilder.Entity<WebhookDelivery>(e =>
        {
            e.ToTable("webhook_deliveries");
            e.HasKey(x => x.Id).HasName("pk_webhook_deliveries");
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(EnumLength);
            // One delivery per subscription and message, however many dispatchers fan out at once; also the
            // subscription's delivery list.
            e.HasIndex(x => new { x.SubscriptionId, x.OutboxMessageId }).IsUnique()
                .HasDatabaseName("ux_webhook_deliveries_subscription_id_outbox_message_id");
            // The sender: WHERE status = 'Pending' AND next_attempt_at <= @now ORDER BY next_attempt_at, one range scan.
            e.HasIndex(x => new { x.Status, x.NextAttemptAt }).HasDatabaseName("ix_webhook_deliveries_status_next_attempt_at");
        });

        modelBuilder.Entity<WebhookAttempt>(e =>
        {
            e.ToTable("webhook_attempts");
            e.HasKey(x => x.Id).HasName("pk_webhook_attempts");
            e.HasIndex(x => new { x.DeliveryId, x.At }).HasDatabaseName("ix_webhook_attempts_delivery_id_at");
        });

        modelBuilder.Entity<UserMessage>(e =>
        {
            e.ToTable("user_messages");
            e.HasKey(x => x.Id).HasName("pk_user_messages");
            e.Property(x => x.Department).HasMaxLength(NameLength);
            e.Property(x => x.Kind).HasMaxLength(CodeLength);
            // One in-app message per outbox message, however many dispatchers fan out at once.
            e.HasIndex(x => x.OutboxMessageId).IsUnique().HasDatabaseName("ux_user_messages_outbox_message_id");
            // A department's list, newest first.
            e.HasIndex(x => new { x.Department, x.CreatedAt }).HasDatabaseName("ix_user_messages_department_created_at");
        });

        modelBuilder.Entity<MessageRead>(e =>
        {
            e.ToTable("message_reads");
            e.HasKey(x => new { x.MessageId, x.UserId }).HasName("pk_message_reads");
            e.Property(x => x.UserId).HasMaxLength(IdLength);
        });

        // ---- supervision analytics (Analytics migration) ----
        modelBuilder.Entity<NodeTimingHistogram>(e =>
        {
            e.ToTable("node_timing_histograms");
            e.HasKey(x => new { x.Period, x.PowerCode, x.Version, x.NodeId, x.Department, x.Handler, x.CaseOutcome })
                .HasName("pk_node_timing_histograms");
            e.Property(x => x.PowerCode).HasMaxLength(CodeLength);
            e.Property(x => x.NodeId).HasMaxLength(IdLength);
            e.Property(x => x.Department).HasMaxLength(IdLength);
            e.Property(x => x.Handler).HasMaxLength(IdLength);
            e.Property(x => x.CaseOutcome).HasMaxLength(CodeLength);
            // One power over a window: a range of this index instead of every period's rows.
            e.HasIndex(x => new { x.PowerCode, x.Period }).HasDatabaseName("ix_node_timing_histograms_power_code_period");
        });

        modelBuilder.Entity<CaseIndicatorRollup>(e =>
        {
            e.ToTable("case_indicator_rollups");
            e.HasKey(x => new { x.Day, x.PowerCode, x.Department, x.Outcome }).HasName("pk_case_indicator_rollups");
            e.Property(x => x.PowerCode).HasMaxLength(CodeLength);
            e.Property(x => x.Department).HasMaxLength(IdLength);
            e.Property(x => x.Outcome).HasMaxLength(CodeLength);
        });

        modelBuilder.Entity<RollupFeedEntry>(e =>
        {
            e.ToTable("rollup_feed");
            e.HasKey(x => x.Seq).HasName("pk_rollup_feed");
        });

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
                // The engine assigns every key itself; the store never invents one.
                if (property.IsKey())
                {
                    property.ValueGenerated = ValueGenerated.Never;
                }
            }
        }
        // The one key the database numbers: the feed's order is the order the rows were written in.
        modelBuilder.Entity<RollupFeedEntry>().Property(x => x.Seq).ValueGeneratedOnAdd();
    }

    /// <summary>PowerCode → power_code, DefinitionVersionId → definition_version_id.</summary>
    internal static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])))
                {
                    builder.Append('_');
                }
                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }
}

/// <summary>The model on PostgreSQL: <c>timestamp with time zone</c>, <c>uuid</c>, <c>varchar(n)</c>, <c>text</c>.</summary>
public sealed class PostgresBpmDbContext(DbContextOptions<PostgresBpmDbContext> options) : BpmDbContext(options);

/// <summary>The model on SQLite: TEXT and INTEGER columns; times come back as UTC through the converter.</summary>
public sealed class SqliteBpmDbContext(DbContextOptions<SqliteBpmDbContext> options) : BpmDbContext(options);
