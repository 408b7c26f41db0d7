// The server's additions (drafts, the power's 实施主体 on each version), written once for both providers. Maintained
// by hand like the others; StorageTests.Schema.cs checks the result against the model.
using Microsoft.EntityFrameworkCore.Migrations;

namespace Bpm.Storage.Migrations;

internal static class ServerSchema
{
    public const string Id = "20261121000003_Server";

    public static void Up(MigrationBuilder m, StoreTypes t)
    {
        // Versions published before this carry "" until their definition is published again (a no-op that fills it).
        m.AddColumn<string>(name: "subject", table: "definition_versions", type: t.String(256), maxLength: 256, nullable: false, defaultValue: "");

        m.CreateTable("definition_drafts", t,
            c => new
            {
                id = c.Uuid(),
                power_code = c.String(64),
                subject = c.String(256),
                format = c.String(32),
                text = c.Text(),
                errors = c.Int(),
                warnings = c.Int(),
                created_by = c.String(128),
                created_at = c.Timestamp(),
                published_version = c.Int(nullable: true),
                published_at = c.Timestamp(nullable: true),
            },
            constraints: table => table.PrimaryKey("pk_definition_drafts", x => x.id));
        m.CreateIndex(name: "ix_definition_drafts_power_code_created_at", table: "definition_drafts", columns: ["power_code", "created_at"]);
    }

    public static void Down(MigrationBuilder m, StoreTypes t)
    {
        m.DropTable(name: "definition_drafts");
        m.DropColumn(t, "definition_versions", "subject");
    }
}
