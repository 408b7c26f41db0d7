using System.Data.Common;
using Bpm.Engine.State;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Bpm.Storage.Supervision;

/// <summary>
/// Adds counted visits and cases to the supervision rollups with atomic upserts: rows that land on the same histogram
/// (or indicator) key are merged first, so each key is written once per call. Two writers adding to the same row
/// both add: the upsert adds on the database, it never reads a count and writes it back. Called by
/// <see cref="RollupFeed"/> (folding the feed) and <see cref="RollupRebuild"/>, inside their transaction.
/// </summary>
internal static class RollupWriter
{
    /// <summary>Writes the tally; returns how many histogram and indicator rows were upserted.</summary>
    public static async Task<int> ApplyAsync(BpmDbContext context, RollupTally tally, CancellationToken ct)
    {
        var connection = context.Database.GetDbConnection();
        var transaction = context.Database.CurrentTransaction?.GetDbTransaction();
        var histograms = tally.Histograms().ToList();
        var postgres = context.Database.IsNpgsql();
        // One upsert per histogram row. On PostgreSQL all of them in one command: one round trip. SQLite runs in-process
        // (no round trips) and binds every statement of a command from the command's whole parameter list, so there a
        // command per row is cheapest (many rows in one command cost statements × parameters).
        foreach (var chunk in histograms.Chunk(postgres ? Math.Max(1, histograms.Count) : 1))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var sql = new System.Text.StringBuilder();
            var upsert = postgres ? PostgresHistogramUpsert : SqliteHistogramUpsert;
            var n = 0;
            foreach (var row in chunk)
            {
                var p = $"r{n}_";
                sql.Append(upsert.Replace("@", "@" + p)).Append(";\n");
                Add(command, p + "period", row.Period);
                Add(command, p + "power", row.PowerCode);
                Add(command, p + "version", row.Version);
                Add(command, p + "node", row.NodeId);
                Add(command, p + "department", row.Department);
                Add(command, p + "handler", row.Handler);
                Add(command, p + "outcome", row.CaseOutcome);
                Add(command, p + "visits", row.Visits);
                Add(command, p + "timed", row.Timed);
                Add(command, p + "on_time", row.OnTime);
                Add(command, p + "early", row.Early);
                Add(command, p + "late", row.Late);
                Add(command, p + "sum", row.WorkingMsSum);
                Add(command, p + "max", row.WorkingMsMax);
                Add(command, p + "histogram", row.Histogram);
                n++;
            }
            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(ct);
        }
        var indicators = 0;
        foreach (var row in tally.Indicators())
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = CaseUpsert;
            Add(command, "day", row.Day);
            Add(command, "power", row.PowerCode);
            Add(command, "department", row.Department);
            Add(command, "outcome", row.Outcome);
            Add(command, "cases", row.Cases);
            Add(command, "completed", row.Completed);
            Add(command, "timed", row.Timed);
            Add(command, "on_time", row.OnTime);
            Add(command, "early", row.Early);
            Add(command, "late", row.Late);
            Add(command, "instant", row.Instant);
            Add(command, "on_the_spot", row.InstantOnTheSpot);
            Add(command, "sum", row.WorkingMsSum);
            await command.ExecuteNonQueryAsync(ct);
            indicators++;
        }
        return histograms.Count + indicators;
    }

    // ON CONFLICT … DO UPDATE with excluded runs on both databases (SQLite 3.24+); only the histogram merge differs:
    // PostgreSQL edits the JSON as jsonb, SQLite with its JSON functions. Both add on the database, in place, so two
    // commands counting into the same row never lose an update.
    private const string HistogramInsert = """
        INSERT INTO node_timing_histograms (period, power_code, version, node_id, department, handler, case_outcome,
            visits, timed, on_time, early, late, working_ms_sum, working_ms_max, histogram)
        VALUES (@period, @power, @version, @node, @department, @handler, @outcome, @visits, @timed, @on_time, @early, @late, @sum, @max, @histogram)
        ON CONFLICT (period, power_code, version, node_id, department, handler, case_outcome) DO UPDATE SET
            visits = node_timing_histograms.visits + excluded.visits,
            timed = node_timing_histograms.timed + excluded.timed,
            on_time = node_timing_histograms.on_time + excluded.on_time,
            early = node_timing_histograms.early + excluded.early,
            late = node_timing_histograms.late + excluded.late,
            working_ms_sum = node_timing_histograms.working_ms_sum + excluded.working_ms_sum,
            working_ms_max = CASE WHEN excluded.working_ms_max > node_timing_histograms.working_ms_max
                                  THEN excluded.working_ms_max ELSE node_timing_histograms.working_ms_max END,

        """;

    // The bucket counts are merged bucket by bucket (a bucket whose count reaches 0 is dropped): PostgreSQL as jsonb,
    // SQLite with its JSON functions.
    private const string PostgresHistogramUpsert = HistogramInsert + """
            histogram = COALESCE((SELECT jsonb_object_agg(b.key, b.n) FROM (
                SELECT e.key, sum(e.value::bigint) AS n FROM (
                    SELECT key, value FROM jsonb_each_text(node_timing_histograms.histogram::jsonb)
                    UNION ALL SELECT key, value FROM jsonb_each_text(excluded.histogram::jsonb)) AS e
                GROUP BY e.key HAVING sum(e.value::bigint) <> 0) AS b), '{}'::jsonb)::text
        """;

    private const string SqliteHistogramUpsert = HistogramInsert + """
            histogram = COALESCE((SELECT json_group_object(b.key, b.n) FROM (
                SELECT e.key AS key, sum(e.value) AS n FROM (
                    SELECT key, value FROM json_each(node_timing_histograms.histogram)
                    UNION ALL SELECT key, value FROM json_each(excluded.histogram)) AS e
                GROUP BY e.key HAVING sum(e.value) <> 0) AS b), '{}')
        """;

    private const string CaseUpsert = """
        INSERT INTO case_indicator_rollups (day, power_code, department, outcome, cases, completed, timed, on_time, early, late,
            instant, instant_on_the_spot, working_ms_sum)
        VALUES (@day, @power, @department, @outcome, @cases, @completed, @timed, @on_time, @early, @late, @instant, @on_the_spot, @sum)
        ON CONFLICT (day, power_code, department, outcome) DO UPDATE SET
            cases = case_indicator_rollups.cases + excluded.cases,
            completed = case_indicator_rollups.completed + excluded.completed,
            timed = case_indicator_rollups.timed + excluded.timed,
            on_time = case_indicator_rollups.on_time + excluded.on_time,
            early = case_indicator_rollups.early + excluded.early,
            late = case_indicator_rollups.late + excluded.late,
            instant = case_indicator_rollups.instant + excluded.instant,
            instant_on_the_spot = case_indicator_rollups.instant_on_the_spot + excluded.instant_on_the_spot,
            working_ms_sum = case_indicator_rollups.working_ms_sum + excluded.working_ms_sum
        """;

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
