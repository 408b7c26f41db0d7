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
        foreach (var @case in ending ?? [])
        {
            // Visits closed by earlier commands were counted under "still running": move them to the case's result.
            var closingIds = closing?.Select(v => v.Id).ToHashSet() ?? [];
            var earlier = await context.NodeVisits.AsNoTracking()
                .Where(v => v.CaseId == @case.Id && v.LeftAt != null)
                .ToListAsync(ct);
            foreach (var visit in earlier.Where(v => !closingIds.Contains(v.Id) && TimingResolution.Counts(v)))
            {
                changes.Visits.Add(TimingResolution.Of(visit, "", sign: -1));
                changes.Visits.Add(TimingResolution.Of(visit, TimingResolution.OutcomeOf(@case)));
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
        foreach (var row in changes.Visits)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = VisitUpsert;
            Add(command, "day", row.Day);
            Add(command, "power", row.PowerCode);
            Add(command, "version", row.Version);
            Add(command, "node", row.NodeId);
            Add(command, "department", row.Department);
            Add(command, "handler", row.Handler);
            Add(command, "outcome", row.CaseOutcome);
            Add(command, "bucket", row.WorkingBucket);
            Add(command, "visits", row.Visits);
            Add(command, "timed", row.Timed);
            Add(command, "on_time", row.OnTime);
            Add(command, "early", row.Early);
            Add(command, "late", row.Late);
            Add(command, "sum", row.WorkingMsSum);
            Add(command, "max", row.WorkingMsMax);
            await command.ExecuteNonQueryAsync(ct);
        }
        if (changes.Visits.Any(v => v.Visits < 0))
        {
            await using var prune = connection.CreateCommand();
            prune.Transaction = transaction;
            // A bucket a case's end emptied is dropped, so the "still running" rows do not pile up as zeros.
            prune.CommandText = "DELETE FROM node_timing_rollups WHERE visits = 0 AND case_outcome = ''";
            await prune.ExecuteNonQueryAsync(ct);
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

    // Plain ON CONFLICT … DO UPDATE with excluded: the same text runs on PostgreSQL and on SQLite (3.24+).
    private const string VisitUpsert = """
        INSERT INTO node_timing_rollups (day, power_code, version, node_id, department, handler, case_outcome, working_bucket,
            visits, timed, on_time, early, late, working_ms_sum, working_ms_max)
        VALUES (@day, @power, @version, @node, @department, @handler, @outcome, @bucket, @visits, @timed, @on_time, @early, @late, @sum, @max)
        ON CONFLICT (day, power_code, version, node_id, department, handler, case_outcome, working_bucket) DO UPDATE SET
            visits = node_timing_rollups.visits + excluded.visits,
            timed = node_timing_rollups.timed + excluded.timed,
            on_time = node_timing_rollups.on_time + excluded.on_time,
            early = node_timing_rollups.early + excluded.early,
            late = node_timing_rollups.late + excluded.late,
            working_ms_sum = node_timing_rollups.working_ms_sum + excluded.working_ms_sum,
            working_ms_max = CASE WHEN excluded.working_ms_max > node_timing_rollups.working_ms_max
                                  THEN excluded.working_ms_max ELSE node_timing_rollups.working_ms_max END
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
    public List<NodeTimingRollup> Visits { get; } = [];
    public List<CaseIndicatorRollup> Cases { get; } = [];
    public bool IsEmpty => Visits.Count == 0 && Cases.Count == 0;
}
