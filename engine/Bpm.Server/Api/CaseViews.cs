using System.Text.Json;
using System.Text.Json.Nodes;
using Bpm.Engine.Commands;
using Bpm.Engine.Ports;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;

namespace Bpm.Server.Api;

public sealed record ApplicantView(string Id, string Name);

public sealed record VisitView(
    Guid Id, string NodeId, string NodeKind, string? Department, string? Handler, DateTime EnteredAt, DateTime? LeftAt,
    string? Outcome, DateTime? DueAt, Light Light, long SuspendedMs, long? WorkingMs);

public sealed record SuspensionView(Guid Id, string? NodeId, string Kind, string Approver, string Reason, DateTime StartedAt, DateTime? BudgetDue, bool OverBudget);

public sealed record OrderView(Guid Id, string No, string Rule, Light Level, string Department, string Content, DateTime IssuedAt, DateTime ResponseDue, SupervisionStatus Status);

public sealed record JournalView(int Seq, DateTime At, string Actor, string Kind, string? NodeId, JsonNode? Payload, string Hash);

/// <summary>A case as handlers and supervisors see it: state, due dates, lights, open work, each step's clock and the journal.</summary>
public sealed record CaseView(
    Guid Id, string CaseNo, string PowerCode, int Version, CaseStatus Status, string? Result, ApplicantView Applicant, JsonNode? Data,
    DateTime AppliedAt, DateTime? AcceptedAt, DateTime? DecidedAt, DateTime? EndedAt,
    DateTime? PromisedDue, DateTime? LegalDue, DateTime? CertificateDue, Light Light, bool Suspended, long SuspendedMs, long? WorkingMs,
    int Extensions, long Revision, IReadOnlyList<WorkItemView> OpenWorkItems, IReadOnlyList<IncidentView> OpenIncidents,
    IReadOnlyList<SuspensionView> OpenSuspensions, IReadOnlyList<OrderView> OpenSupervisionOrders, IReadOnlyList<VisitView> Visits,
    IReadOnlyList<JournalView>? Journal)
{
    public static CaseView Of(CaseSnapshot snapshot, IReadOnlyList<NodeVisit> visits, IReadOnlyList<JournalEntry>? journal)
    {
        var c = snapshot.Case;
        var result = CommandResult.Of(snapshot);
        return new CaseView(c.Id, CaseNumber.Of(c), c.PowerCode, c.Version, c.Status, c.Result, new ApplicantView(c.ApplicantId, c.ApplicantName),
            JsonNode.Parse(c.Data), c.AppliedAt, c.AcceptedAt, c.DecidedAt, c.EndedAt, c.PromisedDue, c.LegalDue, c.CertificateDue, c.Light,
            c.SuspendedSince is not null, c.SuspendedMs, c.WorkingMs, c.Extensions, c.Revision, result.OpenWorkItems, result.OpenIncidents,
            snapshot.OpenSuspensions.Select(s => new SuspensionView(s.Id, s.NodeId, s.Kind, s.Approver, s.Reason, s.StartedAt, s.BudgetDue, s.OverBudget)).ToList(),
            snapshot.OpenOrders.Select(o => new OrderView(o.Id, o.No, o.Rule, o.Level, o.Department, o.Content, o.IssuedAt, o.ResponseDue, o.Status)).ToList(),
            visits.OrderBy(v => v.EnteredAt).ThenBy(v => v.Id).Select(VisitOf).ToList(),
            journal?.Select(j => new JournalView(j.Seq, j.At, j.Actor, j.Kind, j.NodeId, JsonNode.Parse(j.Payload), j.Hash)).ToList());
    }

    public static VisitView VisitOf(NodeVisit v) =>
        new(v.Id, v.NodeId, v.NodeKind, v.Department, v.Handler, v.EnteredAt, v.LeftAt, v.Outcome, v.DueAt, v.Light, v.SuspendedMs, v.WorkingMs);
}

/// <summary>A case in a list.</summary>
public sealed record CaseRow(
    Guid Id, string CaseNo, string PowerCode, int Version, CaseStatus Status, string? Result, ApplicantView Applicant,
    DateTime AppliedAt, DateTime? AcceptedAt, DateTime? PromisedDue, DateTime? LegalDue, Light Light, bool Suspended)
{
    public static CaseRow Of(Case c) => new(c.Id, CaseNumber.Of(c), c.PowerCode, c.Version, c.Status, c.Result,
        new ApplicantView(c.ApplicantId, c.ApplicantName), c.AppliedAt, c.AcceptedAt, c.PromisedDue, c.LegalDue, c.Light, c.SuspendedSince is not null);
}

/// <summary>What an application returns: the case and the query code the applicant follows it with on the public pages.</summary>
public sealed record ApplicationView(CommandResult Case, string QueryCode);
