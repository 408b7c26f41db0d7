// Legal time (working-day due dates, suspensions, lights, timers, supervision), written once for both providers;
// the thin classes in Postgres/ and Sqlite/ run it with their column types. Maintained by hand: together with
// InitialSchema it must create exactly what the model in BpmDbContext maps; StorageTests.Schema.cs checks it.
using Microsoft.EntityFrameworkCore.Migrations;

namespace Bpm.Storage.Migrations;

internal static class LegalTimeSchema
{
    public const string Id = "20261121000002_LegalTime";

    // Rows written before this migration get these; the engine writes every column itself afterwards. The
    // defaults stay on the columns (dropping one is a table rebuild on SQLite) and only matter to plain SQL inserts.
    private const string Green = "Green";

    public static void Up(MigrationBuilder m, StoreTypes t)
    {
        // ---- cases: the decision clock, its light and suspensions ----
        m.AddColumn<DateTime?>(name: "accepted_at", table: "cases", type: t.Timestamp, nullable: true);
        m.AddColumn<DateTime?>(name: "decided_at", table: "cases", type: t.Timestamp, nullable: true);
        m.AddColumn<DateTime?>(name: "promised_due", table: "cases", type: t.Timestamp, nullable: true);
        m.AddColumn<DateTime?>(name: "legal_due", table: "cases", type: t.Timestamp, nullable: true);
        m.AddColumn<DateTime?>(name: "certificate_due", table: "cases", type: t.Timestamp, nullable: true);
        m.AddColumn<string>(name: "light", table: "cases", type: t.String(32), maxLength: 32, nullable: false, defaultValue: Green);
        m.AddColumn<DateTime?>(name: "suspended_since", table: "cases", type: t.Timestamp, nullable: true);
        m.AddColumn<long>(name: "suspended_ms", table: "cases", type: t.Long, nullable: false, defaultValue: 0L);
        m.AddColumn<long?>(name: "working_ms", table: "cases", type: t.Long, nullable: true);
        m.AddColumn<int>(name: "extensions", table: "cases", type: t.Int, nullable: false, defaultValue: 0);

        m.CreateIndex(name: "ix_cases_light", table: "cases", column: "light");
        // Supervisors' "running cases by due time"; it also serves every query ix_cases_status served.
        m.CreateIndex(name: "ix_cases_status_promised_due", table: "cases", columns: ["status", "promised_due"]);
        m.DropIndex(name: "ix_cases_status", table: "cases");

        // ---- node_visits: each step's own clock ----
        m.AddColumn<DateTime?>(name: "due_at", table: "node_visits", type: t.Timestamp, nullable: true);
        m.AddColumn<string>(name: "light", table: "node_visits", type: t.String(32), maxLength: 32, nullable: false, defaultValue: Green);
        m.AddColumn<long>(name: "suspended_ms", table: "node_visits", type: t.Long, nullable: false, defaultValue: 0L);
        m.AddColumn<long?>(name: "working_ms", table: "node_visits", type: t.Long, nullable: true);

        // ---- work_items ----
        m.AddColumn<bool>(name: "deemed", table: "work_items", type: t.Bool, nullable: false, defaultValue: false);

        m.CreateTable("case_timers", t,
            c => new
            {
                id = c.Uuid(),
                case_id = c.Uuid(),
                kind = c.String(32),
                due_at = c.Timestamp(),
                status = c.String(32),
                token_id = c.Uuid(nullable: true),
                visit_id = c.Uuid(nullable: true),
                node_id = c.String(128, nullable: true),
                subject_id = c.Uuid(nullable: true),
                created_at = c.Timestamp(),
                fired_at = c.Timestamp(nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_case_timers", x => x.id));

        // The pump: WHERE status = 'Pending' AND due_at <= @now ORDER BY due_at LIMIT @n is one range scan, no sort.
        m.CreateIndex(name: "ix_case_timers_status_due_at", table: "case_timers", columns: ["status", "due_at"]);
        m.CreateIndex(name: "ix_case_timers_case_id_status", table: "case_timers", columns: ["case_id", "status"]);

        m.CreateTable("suspensions", t,
            c => new
            {
                id = c.Uuid(),
                case_id = c.Uuid(),
                token_id = c.Uuid(nullable: true),
                node_id = c.String(128, nullable: true),
                kind = c.String(256),
                effect = c.String(32),
                approver = c.String(128),
                reason = c.Text(),
                budget = c.String(64, nullable: true),
                budget_due = c.Timestamp(nullable: true),
                started_at = c.Timestamp(),
                ended_at = c.Timestamp(nullable: true),
                result = c.Text(nullable: true),
                working_ms = c.Long(nullable: true),
                over_budget = c.Bool(),
                requested_by = c.String(128),
            },
            constraints: table => table.PrimaryKey("pk_suspensions", x => x.id));

        m.CreateIndex(name: "ix_suspensions_case_id", table: "suspensions", column: "case_id");

        m.CreateTable("warnings", t,
            c => new
            {
                id = c.Uuid(),
                case_id = c.Uuid(),
                power_code = c.String(64),
                node_id = c.String(128, nullable: true),
                department = c.String(128, nullable: true),
                kind = c.String(64),
                light = c.String(32),
                message = c.Text(),
                at = c.Timestamp(),
            },
            constraints: table => table.PrimaryKey("pk_warnings", x => x.id));

        m.CreateIndex(name: "ix_warnings_power_code_at", table: "warnings", columns: ["power_code", "at"]);
        m.CreateIndex(name: "ix_warnings_department_at", table: "warnings", columns: ["department", "at"]);
        m.CreateIndex(name: "ix_warnings_case_id", table: "warnings", column: "case_id");

        m.CreateTable("supervision_orders", t,
            c => new
            {
                id = c.Uuid(),
                case_id = c.Uuid(),
                no = c.String(128),
                rule = c.String(64),
                level = c.String(32),
                department = c.String(128),
                supervisor = c.String(128),
                node_id = c.String(128, nullable: true),
                content = c.Text(),
                issued_at = c.Timestamp(),
                response_due = c.Timestamp(),
                status = c.String(32),
                answered_at = c.Timestamp(nullable: true),
                answer = c.Text(nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_supervision_orders", x => x.id));

        m.CreateIndex(name: "ix_supervision_orders_case_id", table: "supervision_orders", column: "case_id");
        m.CreateIndex(name: "ix_supervision_orders_department_status", table: "supervision_orders", columns: ["department", "status"]);
        m.CreateIndex(name: "ix_supervision_orders_status_response_due", table: "supervision_orders", columns: ["status", "response_due"]);

        m.CreateTable("penalty_points", t,
            c => new
            {
                id = c.Uuid(),
                department = c.String(128),
                case_id = c.Uuid(),
                event_kind = c.String(64),
                points = c.Decimal(12, 2),
                period = c.String(32),
                at = c.Timestamp(),
            },
            constraints: table => table.PrimaryKey("pk_penalty_points", x => x.id));

        m.CreateIndex(name: "ix_penalty_points_department_period", table: "penalty_points", columns: ["department", "period"]);

        m.CreateTable("outbox_messages", t,
            c => new
            {
                id = c.Uuid(),
                case_id = c.Uuid(),
                kind = c.String(64),
                recipient = c.String(256),
                subject = c.Text(),
                body = c.Text(),
                created_at = c.Timestamp(),
                sent_at = c.Timestamp(nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_outbox_messages", x => x.id));

        m.CreateIndex(name: "ix_outbox_messages_sent_at", table: "outbox_messages", column: "sent_at");
    }

    public static void Down(MigrationBuilder m, StoreTypes t)
    {
        m.DropTable(name: "outbox_messages");
        m.DropTable(name: "penalty_points");
        m.DropTable(name: "supervision_orders");
        m.DropTable(name: "warnings");
        m.DropTable(name: "suspensions");
        m.DropTable(name: "case_timers");

        m.DropColumn(t, "work_items", "deemed");

        m.DropColumn(t, "node_visits", "working_ms");
        m.DropColumn(t, "node_visits", "suspended_ms");
        m.DropColumn(t, "node_visits", "light");
        m.DropColumn(t, "node_visits", "due_at");

        m.CreateIndex(name: "ix_cases_status", table: "cases", column: "status");
        m.DropIndex(name: "ix_cases_status_promised_due", table: "cases");
        m.DropIndex(name: "ix_cases_light", table: "cases");
        m.DropColumn(t, "cases", "extensions");
        m.DropColumn(t, "cases", "working_ms");
        m.DropColumn(t, "cases", "suspended_ms");
        m.DropColumn(t, "cases", "suspended_since");
        m.DropColumn(t, "cases", "light");
        m.DropColumn(t, "cases", "certificate_due");
        m.DropColumn(t, "cases", "legal_due");
        m.DropColumn(t, "cases", "promised_due");
        m.DropColumn(t, "cases", "decided_at");
        m.DropColumn(t, "cases", "accepted_at");
    }
}
