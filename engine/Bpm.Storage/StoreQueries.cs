using Bpm.Engine.State;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Storage;

/// <summary>
/// The session's queries, compiled once per store: no LINQ translation or cache lookup per call. Held by the
/// store rather than statically so a process with both providers (tests) does not recompile back and forth.
/// </summary>
internal sealed class StoreQueries
{
    public readonly Func<BpmDbContext, Guid, CancellationToken, Task<Guid?>> CaseOfWorkItem =
        EF.CompileAsyncQuery((BpmDbContext c, Guid id, CancellationToken ct) =>
            c.WorkItems.Where(w => w.Id == id).Select(w => (Guid?)w.CaseId).FirstOrDefault());

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

    public readonly Func<BpmDbContext, string, string, CancellationToken, Task<DefinitionVersion?>> DefinitionByHash =
        EF.CompileAsyncQuery((BpmDbContext c, string powerCode, string contentHash, CancellationToken ct) =>
            c.DefinitionVersions.Where(d => d.PowerCode == powerCode && d.ContentHash == contentHash)
                .OrderByDescending(d => d.Version).FirstOrDefault());
}
