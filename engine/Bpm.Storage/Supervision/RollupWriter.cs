using System.Data.Common;
using Bpm.Engine.State;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage;

namespace Bpm.Storage.Supervision;

/// <summary>
/// Keeps the supervision rollups in step with the engine's state inside the command's own transaction: what
/// <see cref="EngineSession.SaveAsync"/> is about to write is read from the change tracker (visits that close, cases
/// that end), and the rollup rows are added to with atomic upserts after the state rows are written, before the
/// commit. Two commands closing visits of the same node at once both add: the upsert adds on the database, it never
/// reads a count and writes it back.
/// </summary>
internal static class RollupWriter
{
    /// <summary>The rollup changes a save implies, computed before SaveChanges (afterwards the originals are gone).</summary>
    public static async Task<RollupChanges?> CollectAsync(BpmDbContext context, CancellationToken ct)
    {
        List<NodeVisit>? closing = null;
        List<Case>? ending = null;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            switch (entry.Entity)
            {
                case NodeVisit visit when visit.LeftAt is not null && (entry.State == EntityState.Added || WasOpen(entry)):
                    (closing ??= []).Add(visit);
                    break;
                case Case @case when @case.IsOver && @case.EndedAt is not null && (entry.State == EntityState.Added || WasRunning(entry)):
                    (ending ??= []).Add(@case);
                    break;
            }
        }
        if (closing is null && ending is null) return null;

        var changes = new RollupChanges();
        var endingIds = ending?.ToDictionary(c => c.Id) ?? [];
        foreach (var visit in closing ?? [])
        {
            if (!TimingResolution.Counts(visit)) continue;
            var outcome = endingIds.TryGetValue(visit.CaseId, out var ended) ? TimingResolution.OutcomeOf(ended)
                : context.Cases.Local.FirstOrDefault(c => c.Id == visit.CaseId) is { } @case ? TimingResolution.OutcomeOf(@case) : "";
            changes.Visits.Add(TimingResolution.Of(visit, outcome));
        }
        var closingIds = closing?.Select(v => v.Id).ToHashSet() ?? [];
        foreach (var @case in ending ?? [])
        {
            // Visits closed by earlier commands were counted under "still running": move them to the case's result.
            var earlier = await context.NodeVisits.AsNoTracking()
                .Where(v => v.CaseId == @case.Id && v.LeftAt != null)
                .ToListAsync(ct);
            foreach (var visit in earlier.Where(v => !closingIds.Contains(v.Id) && TimingResolution.Counts(v)))
            {
                changes.Visits.Add(TimingResolution.Of(visit, "", sign: -1) with { OutcomeRowsOnly = true });
                changes.Visits.Add(TimingResolution.Of(visit, TimingResolution.OutcomeOf(@case)) with { OutcomeRowsOnly = true });
            }
            var definition = context.DefinitionVersions.Local.FirstOrDefault(d => d.Id == @case.DefinitionVersionId)
                ?? await context.DefinitionVersions.AsNoTracking().FirstOrDefaultAsync(d => d.Id == @case.DefinitionVersionId, ct);
            changes.Cases.Add(TimingResolution.Of(@case, definition?.Subject ?? "", definition is not null && TimingResolution.IsInstant(definition)));
        }
        return changes.IsEmpty ? null : changes;
    }

    public static async Task ApplyAsync(BpmDbContext context, RollupChanges changes, CancellationToken ct)
    {
        var connection = context.Database.GetDbConnection();
        var transaction = context.Database.CurrentTransaction?.GetDbTransaction();
        if (changes.Visits.Count > 0)
        {
            // Every histogram row the visits touch, one upsert each, sent as one batch: one round trip per save.
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var sql = new System.Text.StringBuilder();
            var upsert = context.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) == true ? PostgresHistogramUpsert : SqliteHistogramUpsert;
            // Rows in one global order: two saves touching the same rows lock them in the same order and never deadlock.
            var rows = changes.Visits.SelectMany(visit => visit.Rows().Select(row => (Visit: visit, row.Period, row.Handler, row.CaseOutcome)))
                .OrderBy(r => r.Period).ThenBy(r => r.Visit.PowerCode, StringComparer.Ordinal).ThenBy(r => r.Visit.Version)
                .ThenBy(r => r.Visit.NodeId, StringComparer.Ordinal).ThenBy(r => r.Visit.Department, StringComparer.Ordinal)
                .ThenBy(r => r.Handler, StringComparer.Ordinal).ThenBy(r => r.CaseOutcome, StringComparer.Ordinal);
            var n = 0;
            foreach (var (visit, period, handler, outcome) in rows)
            {
                var p = $"r{n}_";
                sql.Append(upsert.Replace("@", "@" + p)).Append(";\n");
                Add(command, p + "period", period);
                Add(command, p + "power", visit.PowerCode);
                Add(command, p + "version", visit.Version);
                Add(command, p + "node", visit.NodeId);
                Add(command, p + "department", visit.Department);
                Add(command, p + "handler", handler);
                Add(command, p + "outcome", outcome);
                Add(command, p + "visits", (long)visit.Sign);
                Add(command, p + "timed", visit.Timed ? visit.Sign : 0L);
                Add(command, p + "on_time", visit.OnTime ? visit.Sign : 0L);
                Add(command, p + "early", visit.Early ? visit.Sign : 0L);
                Add(command, p + "late", visit.Timed && !visit.OnTime ? visit.Sign : 0L);
                Add(command, p + "sum", visit.Sign * visit.WorkingMs);
                Add(command, p + "max", visit.Sign > 0 ? visit.WorkingMs : 0L);
                Add(command, p + "bucket", visit.Bucket.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Add(command, p + "delta", (long)visit.Sign);
                Add(command, p + "histogram", $"{{\"{visit.Bucket}\":{visit.Sign}}}");
                n++;
            }
            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(ct);
        }
        foreach (var row in changes.Cases)
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
        }
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

    private const string PostgresHistogramUpsert = HistogramInsert + """
            histogram = jsonb_set(node_timing_histograms.histogram::jsonb, ARRAY[@bucket],
                to_jsonb(COALESCE((node_timing_histograms.histogram::jsonb ->> @bucket)::bigint, 0) + @delta))::text
        """;

    private const string SqliteHistogramUpsert = HistogramInsert + """
            histogram = json_set(node_timing_histograms.histogram, '$."' || @bucket || '"',
                COALESCE(json_extract(node_timing_histograms.histogram, '$."' || @bucket || '"'), 0) + @delta)
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

    private static bool WasOpen(EntityEntry entry) =>
        entry.State == EntityState.Modified && entry.Property(nameof(NodeVisit.LeftAt)).OriginalValue is null;

    private static bool WasRunning(EntityEntry entry) =>
        entry.State == EntityState.Modified && entry.Property(nameof(Case.EndedAt)).OriginalValue is null;

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}

/// <summary>Rows to add to the rollups (negative counts take a visit out of a bucket).</summary>
internal sealed class RollupChanges
{
    public List<VisitTiming> Visits { get; } = [];
    public List<CaseIndicatorRollup> Cases { get; } = [];
    public bool IsEmpty => Visits.Count == 0 && Cases.Count == 0;
}
