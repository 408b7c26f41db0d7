using Bpm.Engine.Ports;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;

namespace Bpm.Engine.Commands;

/// <summary>A case as a command left it: what the caller needs to carry on (and what an idempotent repeat returns).</summary>
public sealed record CommandResult(
    Guid CaseId,
    string CaseNo,
    CaseStatus Status,
    string? Result,
    long Revision,
    IReadOnlyList<WorkItemView> OpenWorkItems,
    IReadOnlyList<IncidentView> OpenIncidents)
{
    public static CommandResult Of(CaseRun run) => Of(run.Case, run.WorkItems, run.OpenIncidents);

    /// <summary>A case as loaded (a snapshot read outside any command): the same view a command returns.</summary>
    public static CommandResult Of(CaseSnapshot snapshot) => Of(snapshot.Case, snapshot.WorkItems, snapshot.OpenIncidents);

    private static CommandResult Of(Case @case, IEnumerable<WorkItem> workItems, IEnumerable<Incident> incidents) => new(
        @case.Id,
        CaseNumber.Of(@case),
        @case.Status,
        @case.Result,
        @case.Revision,
        workItems.Where(w => w.IsOpen).OrderBy(w => w.CreatedAt).ThenBy(w => w.Id)
            .Select(w => new WorkItemView(w.Id, w.NodeId, w.NodeName, w.Department, w.Role, w.Assignee)).ToList(),
        incidents.Where(i => i.ResolvedAt is null)
            .Select(i => new IncidentView(i.Id, i.NodeId, i.Message, i.Attempts)).ToList());

    /// <summary>The open work item at a node (the only one, or the first when several branches sit there).</summary>
    public WorkItemView At(string nodeId) => OpenWorkItems.FirstOrDefault(w => w.NodeId == nodeId)
        ?? throw new InvalidOperationException($"no open work item at '{nodeId}'; open: {string.Join(", ", OpenWorkItems.Select(w => w.NodeId))}");
}

public sealed record WorkItemView(Guid Id, string NodeId, string NodeName, string Department, string Role, string? Assignee);

public sealed record IncidentView(Guid Id, string NodeId, string Message, int Attempts);
