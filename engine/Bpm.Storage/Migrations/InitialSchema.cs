// The first schema, written once for both providers; the thin classes in Postgres/ and Sqlite/ run it with their
// column types. Maintained by hand (no EF design-time tooling here): it must create exactly what the model in
// BpmDbContext mapped at this point; tests/Bpm.Storage.Tests/StorageTests.Schema.cs compares the result with the
// model. Never edit it once released: change the schema in a new migration.
using Microsoft.EntityFrameworkCore.Migrations;

namespace Bpm.Storage.Migrations;

internal static class InitialSchema
{
    public const string Id = "20261121000001_Initial";

    public static void Up(MigrationBuilder m, StoreTypes t)
    {
        m.CreateTable("definition_versions", t,
            c => new
            {
                id = c.Uuid(),
                power_code = c.String(64),
                power_name = c.String(256),
                category = c.String(64),
                version = c.Int(),
                content_hash = c.String(128),
                state = c.String(32),
                definition = c.Text(),
                layout = c.Text(),
                published_at = c.Timestamp(),
                published_by = c.String(128),
                state_changed_at = c.Timestamp(),
            },
            constraints: table => table.PrimaryKey("pk_definition_versions", x => x.id));

        m.CreateIndex(name: "ux_definition_versions_power_code_version", table: "definition_versions", columns: ["power_code", "version"], unique: true);

        m.CreateIndex(name: "ix_definition_versions_power_code_content_hash", table: "definition_versions", columns: ["power_code", "content_hash"]);

        m.CreateTable("cases", t,
            c => new
            {
                id = c.Uuid(),
                definition_version_id = c.Uuid(),
                power_code = c.String(64),
                version = c.Int(),
                status = c.String(32),
                result = c.String(64, nullable: true),
                applicant_id = c.String(128),
                applicant_name = c.String(256),
                data = c.Text(),
                applied_at = c.Timestamp(),
                ended_at = c.Timestamp(nullable: true),
                revision = c.Long(),
                journal_length = c.Int(),
                journal_head = c.String(128),
                open_incidents = c.Int(),
            },
            constraints: table => table.PrimaryKey("pk_cases", x => x.id));

        m.CreateIndex(name: "ix_cases_power_code_version", table: "cases", columns: ["power_code", "version"]);

        m.CreateIndex(name: "ix_cases_status", table: "cases", column: "status");

        m.CreateTable("tokens", t,
            c => new
            {
                id = c.Uuid(),
                case_id = c.Uuid(),
                parent_id = c.Uuid(nullable: true),
                branch_id = c.String(128, nullable: true),
                node_id = c.String(128),
                status = c.String(32),
                verdict = c.String(32, nullable: true),
                created_at = c.Timestamp(),
                ended_at = c.Timestamp(nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_tokens", x => x.id));

        m.CreateIndex(name: "ix_tokens_case_id_status", table: "tokens", columns: ["case_id", "status"]);

        m.CreateTable("work_items", t,
            c => new
            {
                id = c.Uuid(),
                case_id = c.Uuid(),
                token_id = c.Uuid(),
                node_id = c.String(128),
                node_name = c.String(256),
                department = c.String(128),
                role = c.String(128),
                assignee = c.String(128, nullable: true),
                status = c.String(32),
                created_at = c.Timestamp(),
                claimed_at = c.Timestamp(nullable: true),
                completed_at = c.Timestamp(nullable: true),
                completed_by = c.String(128, nullable: true),
                outcome = c.String(128, nullable: true),
                opinion = c.Text(nullable: true),
                form_data = c.Text(nullable: true),
                cancel_reason = c.Text(nullable: true),
                caused_by = c.Uuid(nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_work_items", x => x.id));

        m.CreateIndex(name: "ix_work_items_case_id_status", table: "work_items", columns: ["case_id", "status"]);

        m.CreateIndex(name: "ix_work_items_department_status", table: "work_items", columns: ["department", "status"]);

        m.CreateIndex(name: "ix_work_items_caused_by", table: "work_items", column: "caused_by");

        m.CreateTable("node_visits", t,
            c => new
            {
                id = c.Uuid(),
                case_id = c.Uuid(),
                token_id = c.Uuid(),
                definition_version_id = c.Uuid(),
                power_code = c.String(64),
                version = c.Int(),
                node_id = c.String(128),
                node_kind = c.String(32),
                department = c.String(128, nullable: true),
                handler = c.String(128, nullable: true),
                entered_at = c.Timestamp(),
                left_at = c.Timestamp(nullable: true),
                outcome = c.String(128, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_node_visits", x => x.id));

        m.CreateIndex(name: "ix_node_visits_case_id", table: "node_visits", column: "case_id");

        m.CreateIndex(name: "ix_node_visits_power_code_version_node_id_entered_at", table: "node_visits", columns: ["power_code", "version", "node_id", "entered_at"]);

        m.CreateIndex(name: "ix_node_visits_department_entered_at", table: "node_visits", columns: ["department", "entered_at"]);

        m.CreateTable("journal_entries", t,
            c => new
            {
                case_id = c.Uuid(),
                seq = c.Int(),
                at = c.Timestamp(),
                actor = c.String(128),
                kind = c.String(64),
                node_id = c.String(128, nullable: true),
                payload = c.Text(),
                previous_hash = c.String(128),
                hash = c.String(128),
            },
            constraints: table => table.PrimaryKey("pk_journal_entries", x => new { x.case_id, x.seq }));

        m.CreateTable("incidents", t,
            c => new
            {
                id = c.Uuid(),
                case_id = c.Uuid(),
                token_id = c.Uuid(),
                node_id = c.String(128),
                outcome = c.String(128, nullable: true),
                message = c.Text(),
                created_at = c.Timestamp(),
                resolved_at = c.Timestamp(nullable: true),
                attempts = c.Int(),
            },
            constraints: table => table.PrimaryKey("pk_incidents", x => x.id));

        m.CreateIndex(name: "ix_incidents_case_id", table: "incidents", column: "case_id");

        m.CreateTable("command_receipts", t,
            c => new
            {
                key = c.String(200),
                case_id = c.Uuid(),
                command = c.String(64),
                result = c.Text(),
                created_at = c.Timestamp(),
            },
            constraints: table => table.PrimaryKey("pk_command_receipts", x => x.key));

        m.CreateTable("case_documents", t,
            c => new
            {
                id = c.Uuid(),
                case_id = c.Uuid(),
                node_id = c.String(128),
                template_id = c.String(128),
                name = c.String(256),
                recipient = c.String(32, nullable: true),
                body = c.Text(),
                created_at = c.Timestamp(),
            },
            constraints: table => table.PrimaryKey("pk_case_documents", x => x.id));

        m.CreateIndex(name: "ix_case_documents_case_id", table: "case_documents", column: "case_id");
    }

    public static void Down(MigrationBuilder m, StoreTypes t)
    {
        m.DropTable(name: "case_documents");
        m.DropTable(name: "command_receipts");
        m.DropTable(name: "incidents");
        m.DropTable(name: "journal_entries");
        m.DropTable(name: "node_visits");
        m.DropTable(name: "work_items");
        m.DropTable(name: "tokens");
        m.DropTable(name: "cases");
        m.DropTable(name: "definition_versions");
    }
}
