using System.Linq.Expressions;
using Bpm.Engine.Ports;
using Bpm.Engine.State;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Storage;

/// <summary>
/// The session's queries, compiled once per store: no LINQ translation or cache lookup per call. Held by the
/// store rather than statically so a process with both providers (tests) does not recompile back and forth.
/// </summary>
internal sealed class StoreQueries
{
    public readonly Func<BpmDbContext, Guid, IAsyncEnumerable<WorkItem>> WorkItemsCausedBy =
        EF.CompileAsyncQuery<BpmDbContext, Guid, WorkItem>((BpmDbContext c, Guid id) =>
            c.WorkItems.Where(w => w.CausedBy == id).OrderBy(w => w.CreatedAt).ThenBy(w => w.Id));

    public readonly Func<BpmDbContext, Guid, IAsyncEnumerable<NodeVisit>> Visits =
        EF.CompileAsyncQuery<BpmDbContext, Guid, NodeVisit>((BpmDbContext c, Guid caseId) =>
            c.NodeVisits.Where(v => v.CaseId == caseId).OrderBy(v => v.EnteredAt).ThenBy(v => v.Id));

    public readonly Func<BpmDbContext, Guid, IAsyncEnumerable<JournalEntry>> Journal =
        EF.CompileAsyncQuery<BpmDbContext, Guid, JournalEntry>((BpmDbContext c, Guid caseId) =>
            c.JournalEntries.AsNoTracking().Where(j => j.CaseId == caseId).OrderBy(j => j.Seq));

    public readonly Func<BpmDbContext, string, int, CancellationToken, Task<DefinitionVersion?>> DefinitionByVersion =
        EF.CompileAsyncQuery((BpmDbContext c, string powerCode, int version, CancellationToken ct) =>
            c.DefinitionVersions.FirstOrDefault(d => d.PowerCode == powerCode && d.Version == version));

    public readonly Func<BpmDbContext, string, CancellationToken, Task<DefinitionVersion?>> LatestDefinition =
        EF.CompileAsyncQuery((BpmDbContext c, string powerCode, CancellationToken ct) =>
            c.DefinitionVersions.Where(d => d.PowerCode == powerCode).OrderByDescending(d => d.Version).FirstOrDefault());

    /// <summary>
    /// What the timer pump fires next: <c>WHERE status = 'Pending' AND due_at &lt;= @now ORDER BY due_at LIMIT @limit</c>,
    /// one range scan of ix_case_timers_status_due_at that stops after <c>limit</c> rows, however many timers are
    /// pending. On SQLite the times are text; they compare correctly because every time is written (and the
    /// parameter bound) as <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c>, which sorts as the times do.
    /// </summary>
    internal static readonly Expression<Func<BpmDbContext, DateTime, int, IQueryable<DueTimer>>> DueTimersQuery =
        (c, now, limit) => c.CaseTimers
            .Where(t => t.Status == TimerStatus.Pending && t.DueAt <= now)
            .OrderBy(t => t.DueAt)
            .Take(limit)
            .Select(t => new DueTimer(t.Id, t.CaseId, t.DueAt));

    public readonly Func<BpmDbContext, DateTime, int, IAsyncEnumerable<DueTimer>> DueTimers = EF.CompileAsyncQuery(DueTimersQuery);

    public readonly Func<BpmDbContext, string, string, CancellationToken, Task<decimal>> PenaltyPoints =
        EF.CompileAsyncQuery((BpmDbContext c, string department, string period, CancellationToken ct) =>
            c.PenaltyPoints.Where(p => p.Department == department && p.Period == period).Sum(p => p.Points));
}
