// Supervision analytics (issue 6, parts 1, 2 and 8), written once for both providers. Maintained by hand like the others;
// StorageTests.Schema.cs checks the result against the model.
//
// node_timing_histograms (per day and per month; working-time histograms as JSON text) and case_indicator_rollups
// are added to by folding the rollup feed that commands write (Supervision/RollupFeed.cs, since the RollupFeed migration);
// supervisors' percentiles are read from merged histograms by a cumulative scan. The two partial indexes cover only open rows, so the light board stays as cheap as the work in progress.
// Cases and visits that existed before this migration are not in the rollups: `bpm generate` fills fresh databases,
// and a server upgraded with history would need them counted once (not needed so far: no deployment has history).
using Microsoft.EntityFrameworkCore.Migrations;

namespace Bpm.Storage.Migrations;

internal static class AnalyticsSchema
{
    public const string Id = "20261121000005_Analytics";

    public static void Up(MigrationBuilder m, StoreTypes t)
    {
        m.CreateTable("node_timing_histograms", t,
            c => new
            {
                period = c.Int(),
                power_code = c.String(64),
                version = c.Int(),
                node_id = c.String(128),
                department = c.String(128),
                handler = c.String(128),
                case_outcome = c.String(64),
                visits = c.Long(),
                timed = c.Long(),
                on_time = c.Long(),
                early = c.Long(),
                late = c.Long(),
                working_ms_sum = c.Long(),
                working_ms_max = c.Long(),
                histogram = c.Text(),
            },
            constraints: table => table.PrimaryKey("pk_node_timing_histograms",
                x => new { x.period, x.power_code, x.version, x.node_id, x.department, x.handler, x.case_outcome }));

        m.CreateIndex(name: "ix_node_timing_histograms_power_code_period", table: "node_timing_histograms", columns: ["power_code", "period"]);

        m.CreateTable("case_indicator_rollups", t,
            c => new
            {
                day = c.Int(),
                power_code = c.String(64),
                department = c.String(128),
                outcome = c.String(64),
                cases = c.Long(),
                completed = c.Long(),
                timed = c.Long(),
                on_time = c.Long(),
                early = c.Long(),
                late = c.Long(),
                instant = c.Long(),
                instant_on_the_spot = c.Long(),
                working_ms_sum = c.Long(),
            },
            constraints: table => table.PrimaryKey("pk_case_indicator_rollups", x => new { x.day, x.power_code, x.department, x.outcome }));

        // Covering indexes over open rows only: the light board, the open counts of node timing and the open cases of the
        // indicators read them without touching the tables (millions of closed rows, none of them here).
        m.CreateIndex(name: "ix_node_visits_open", table: "node_visits",
            columns: ["power_code", "node_id", "department", "node_kind", "light", "due_at", "entered_at", "case_id", "token_id", "id"], filter: "left_at IS NULL");
        m.CreateIndex(name: "ix_cases_open", table: "cases",
            columns: ["power_code", "applied_at", "promised_due", "legal_due", "definition_version_id"], filter: "ended_at IS NULL");
        m.CreateIndex(name: "ix_cases_open_lights", table: "cases",
            columns: ["id", "light", "suspended_since", "promised_due", "power_code", "applied_at"], filter: "ended_at IS NULL");
    }

    public static void Down(MigrationBuilder m, StoreTypes t)
    {
        m.DropIndex(name: "ix_cases_open_lights", table: "cases");
        m.DropIndex(name: "ix_cases_open", table: "cases");
        m.DropIndex(name: "ix_node_visits_open", table: "node_visits");
        m.DropTable(name: "case_indicator_rollups");
        m.DropTable(name: "node_timing_histograms");
    }
}
