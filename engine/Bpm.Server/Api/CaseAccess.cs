using Bpm.Engine.Ports;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Server.Security;

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

    /// <summary>Checks access to a case before a case-level command runs on it.</summary>
    public static async Task RequireAsync(IEngineStore store, Guid caseId, Caller caller, CancellationToken ct)
    {
        await using var session = await store.OpenAsync(ct);
        await ReadAsync(session, caseId, caller, ct);
    }
}
