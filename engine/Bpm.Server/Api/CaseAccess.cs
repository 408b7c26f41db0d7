using Bpm.Engine.Ports;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Server.Security;
using Bpm.Storage;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Server.Api;

/// <summary>
/// Department scoping of cases, enforced on the server: supervisors and administrators see every case; a handler sees a
/// case only when one of its steps belongs to their department (or a unit under it), and is refused with 403 otherwise.
/// </summary>
public static class CaseAccess
{
    public static async Task<(CaseSnapshot Snapshot, IReadOnlyList<NodeVisit> Visits)> ReadAsync(
        IEngineSession session, Guid caseId, Caller caller, CancellationToken ct)
    {
        var snapshot = await session.LoadCaseAsync(caseId, ct) ?? throw new NotFoundException("case", $"case {caseId} does not exist");
        var visits = await session.LoadVisitsAsync(caseId, ct);
        Require(caller, snapshot, visits);
        return (snapshot, visits);
    }

    public static void Require(Caller caller, CaseSnapshot snapshot, IReadOnlyList<NodeVisit> visits)
    {
        if (caller.Is(BpmRoles.Supervisor)) return;
        if (caller.Is(BpmRoles.Handler) && (visits.Any(v => caller.Covers(v.Department)) || snapshot.WorkItems.Any(w => caller.Covers(w.Department))))
            return;
        throw new ForbiddenException("other-department",
            $"case {CaseNumber.Of(snapshot.Case)} has no step of {caller.Department ?? "the caller's department"}");
    }

    /// <summary>
    /// Checks access to a case before a case-level command runs on it: one indexed EXISTS, not a second load of the
    /// case the command is about to load (a missing case is left for the command to report).
    /// </summary>
    public static async Task RequireAsync(EngineStore store, Guid caseId, Caller caller, CancellationToken ct)
    {
        if (caller.Is(BpmRoles.Supervisor)) return;
        if (caller.Is(BpmRoles.Handler) && caller.Department is { Length: > 0 } department)
        {
            await using var db = store.CreateContext();
            if (await db.NodeVisits.AnyAsync(v => v.CaseId == caseId && v.Department != null && v.Department.StartsWith(department), ct)
                || !await db.Cases.AnyAsync(c => c.Id == caseId, ct))
                return;
        }
        throw new ForbiddenException("other-department", $"case {caseId} has no step of {caller.Department ?? "the caller's department"}");
    }
}
