// Maintained by hand: EF design-time tooling is not available here. It must create exactly what the
// model in BpmDbContext maps on SQLite; tests/Bpm.Storage.Tests/StorageTests.Schema.cs compares the two.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Bpm.Storage.Migrations.Sqlite;

[DbContext(typeof(SqliteBpmDbContext))]
[Migration("20261121000001_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "definition_versions",
            columns: table => new
            {
                id = table.Column<Guid>(type: "TEXT", nullable: false),
                power_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                power_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                category = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                version = table.Column<int>(type: "INTEGER", nullable: false),
                content_hash = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                state = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                definition = table.Column<string>(type: "TEXT", nullable: false),
                layout = table.Column<string>(type: "TEXT", nullable: false),
                published_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                published_by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                state_changed_at = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_definition_versions", x => x.id));

        migrationBuilder.CreateIndex(name: "ux_definition_versions_power_code_version", table: "definition_versions", columns: new[] { "power_code", "version" }, unique: true);

        migrationBuilder.CreateIndex(name: "ix_definition_versions_power_code_content_hash", table: "definition_versions", columns: new[] { "power_code", "content_hash" });

        migrationBuilder.CreateTable(
            name: "cases",
            columns: table => new
            {
                id = table.Column<Guid>(type: "TEXT", nullable: false),
                definition_version_id = table.Column<Guid>(type: "TEXT", nullable: false),
                power_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                version = table.Column<int>(type: "INTEGER", nullable: false),
                status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                result = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                applicant_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                applicant_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                data = table.Column<string>(type: "TEXT", nullable: false),
                applied_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                ended_at = table.Column<DateTime?>(type: "TEXT", nullable: true),
                revision = table.Column<long>(type: "INTEGER", nullable: false),
                journal_length = table.Column<int>(type: "INTEGER", nullable: false),
                journal_head = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                open_incidents = table.Column<int>(type: "INTEGER", nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_cases", x => x.id));

        migrationBuilder.CreateIndex(name: "ix_cases_power_code_version", table: "cases", columns: new[] { "power_code", "version" });

        migrationBuilder.CreateIndex(name: "ix_cases_status", table: "cases", column: "status");

        migrationBuilder.CreateTable(
            name: "tokens",
            columns: table => new
            {
                id = table.Column<Guid>(type: "TEXT", nullable: false),
                case_id = table.Column<Guid>(type: "TEXT", nullable: false),
                parent_id = table.Column<Guid?>(type: "TEXT", nullable: true),
                branch_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                node_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                verdict = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                ended_at = table.Column<DateTime?>(type: "TEXT", nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_tokens", x => x.id));

        migrationBuilder.CreateIndex(name: "ix_tokens_case_id_status", table: "tokens", columns: new[] { "case_id", "status" });

        migrationBuilder.CreateTable(
            name: "work_items",
            columns: table => new
            {
                id = table.Column<Guid>(type: "TEXT", nullable: false),
                case_id = table.Column<Guid>(type: "TEXT", nullable: false),
                token_id = table.Column<Guid>(type: "TEXT", nullable: false),
                node_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                node_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                department = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                role = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                assignee = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                claimed_at = table.Column<DateTime?>(type: "TEXT", nullable: true),
                completed_at = table.Column<DateTime?>(type: "TEXT", nullable: true),
                completed_by = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                outcome = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                opinion = table.Column<string>(type: "TEXT", nullable: true),
                form_data = table.Column<string>(type: "TEXT", nullable: true),
                cancel_reason = table.Column<string>(type: "TEXT", nullable: true),
                caused_by = table.Column<Guid?>(type: "TEXT", nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_work_items", x => x.id));

        migrationBuilder.CreateIndex(name: "ix_work_items_case_id_status", table: "work_items", columns: new[] { "case_id", "status" });

        migrationBuilder.CreateIndex(name: "ix_work_items_department_status", table: "work_items", columns: new[] { "department", "status" });

        migrationBuilder.CreateIndex(name: "ix_work_items_caused_by", table: "work_items", column: "caused_by");

        migrationBuilder.CreateTable(
            name: "node_visits",
            columns: table => new
            {
                id = table.Column<Guid>(type: "TEXT", nullable: false),
                case_id = table.Column<Guid>(type: "TEXT", nullable: false),
                token_id = table.Column<Guid>(type: "TEXT", nullable: false),
                definition_version_id = table.Column<Guid>(type: "TEXT", nullable: false),
                power_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                version = table.Column<int>(type: "INTEGER", nullable: false),
                node_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                node_kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                department = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                handler = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                entered_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                left_at = table.Column<DateTime?>(type: "TEXT", nullable: true),
                outcome = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_node_visits", x => x.id));

        migrationBuilder.CreateIndex(name: "ix_node_visits_case_id", table: "node_visits", column: "case_id");

        migrationBuilder.CreateIndex(name: "ix_node_visits_power_code_version_node_id_entered_at", table: "node_visits", columns: new[] { "power_code", "version", "node_id", "entered_at" });

        migrationBuilder.CreateIndex(name: "ix_node_visits_department_entered_at", table: "node_visits", columns: new[] { "department", "entered_at" });

        migrationBuilder.CreateTable(
            name: "journal_entries",
            columns: table => new
            {
                case_id = table.Column<Guid>(type: "TEXT", nullable: false),
                seq = table.Column<int>(type: "INTEGER", nullable: false),
                at = table.Column<DateTime>(type: "TEXT", nullable: false),
                actor = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                kind = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                node_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                payload = table.Column<string>(type: "TEXT", nullable: false),
                previous_hash = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                hash = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_journal_entries", x => new { x.case_id, x.seq }));

        migrationBuilder.CreateTable(
            name: "incidents",
            columns: table => new
            {
                id = table.Column<Guid>(type: "TEXT", nullable: false),
                case_id = table.Column<Guid>(type: "TEXT", nullable: false),
                token_id = table.Column<Guid>(type: "TEXT", nullable: false),
                node_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                outcome = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                message = table.Column<string>(type: "TEXT", nullable: false),
                created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                resolved_at = table.Column<DateTime?>(type: "TEXT", nullable: true),
                attempts = table.Column<int>(type: "INTEGER", nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_incidents", x => x.id));

        migrationBuilder.CreateIndex(name: "ix_incidents_case_id", table: "incidents", column: "case_id");

        migrationBuilder.CreateTable(
            name: "command_receipts",
            columns: table => new
            {
                key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                case_id = table.Column<Guid>(type: "TEXT", nullable: false),
                command = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                result = table.Column<string>(type: "TEXT", nullable: false),
                created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_command_receipts", x => x.key));

        migrationBuilder.CreateTable(
            name: "case_documents",
            columns: table => new
            {
                id = table.Column<Guid>(type: "TEXT", nullable: false),
                case_id = table.Column<Guid>(type: "TEXT", nullable: false),
                node_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                template_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                recipient = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                body = table.Column<string>(type: "TEXT", nullable: false),
                created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
            },
            constraints: table => table.PrimaryKey("pk_case_documents", x => x.id));

        migrationBuilder.CreateIndex(name: "ix_case_documents_case_id", table: "case_documents", column: "case_id");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "case_documents");
        migrationBuilder.DropTable(name: "command_receipts");
        migrationBuilder.DropTable(name: "incidents");
        migrationBuilder.DropTable(name: "journal_entries");
        migrationBuilder.DropTable(name: "node_visits");
        migrationBuilder.DropTable(name: "work_items");
        migrationBuilder.DropTable(name: "tokens");
        migrationBuilder.DropTable(name: "cases");
        migrationBuilder.DropTable(name: "definition_versions");
    }
}
