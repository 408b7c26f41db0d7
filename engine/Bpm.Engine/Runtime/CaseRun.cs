using System.Text.Json.Nodes;
using Bpm.Definitions.Model;
using Bpm.Engine.Behaviors;
using Bpm.Engine.Journal;
using Bpm.Engine.Ports;
using Bpm.Engine.State;

namespace Bpm.Engine.Runtime;

/// <summary>
/// One command's work on one case: moves tokens, opens and closes work items and node visits, and writes the
/// journal, all into the session so they are saved together. Node entries are queued and run in order, so a
/// chain of automatic nodes never recurses deeply.
/// </summary>
public sealed class CaseRun
{
    private readonly Queue<(Token Token, Node Node)> _agenda = new();
    private JsonObject? _data;

    internal CaseRun(EngineServices services, IEngineSession session, ProcessModel model, CaseSnapshot snapshot, Actor actor, DateTime now)
    {
        Services = services;
        Session = session;
        Model = model;
        Case = snapshot.Case;
        Tokens = snapshot.Tokens;
        WorkItems = snapshot.WorkItems;
        OpenVisits = snapshot.OpenVisits;
        OpenIncidents = snapshot.OpenIncidents;
        PendingTimers = snapshot.PendingTimers;
        OpenSuspensions = snapshot.OpenSuspensions;
        OpenOrders = snapshot.OpenOrders;
        Actor = actor;
        Now = now;
        Clock = new CaseClock(this, services.Time);
    }

    internal EngineServices Services { get; }
    public IEngineSession Session { get; }
    public ProcessModel Model { get; }
    public Case Case { get; }
    public List<Token> Tokens { get; }
    public List<WorkItem> WorkItems { get; }
    public List<NodeVisit> OpenVisits { get; }
    public List<Incident> OpenIncidents { get; }
    public List<CaseTimer> PendingTimers { get; }
    public List<Suspension> OpenSuspensions { get; }
    public List<SupervisionOrder> OpenOrders { get; }
    /// <summary>The legal clocks: due times, lights, timers, escalation.</summary>
    public CaseClock Clock { get; }
    public Actor Actor { get; }
    public DateTime Now { get; }

    /// <summary>True when this command created the case (its revision starts at 1 rather than moving on).</summary>
    public bool IsNew { get; init; }

    /// <summary>A refusal that is itself on the record (a late extension): saved, then thrown to the caller.</summary>
    public EngineException? Refusal { get; private set; }

    public void RefuseAfterSaving(EngineException refusal) => Refusal = refusal;

    /// <summary>The work item whose completion drives this run; work items it opens record it for take-back (取回).</summary>
    public Guid? CausedBy { get; set; }

    // ---- data --------------------------------------------------------------------------------------------

    /// <summary>The case's form data; change it through <see cref="MergeData"/>.</summary>
    public JsonObject Data => _data ??= JsonNode.Parse(Case.Data)?.AsObject() ?? [];

    public void MergeData(JsonObject values)
    {
        foreach (var (key, value) in values) Data[key] = value?.DeepClone();
        Case.Data = Data.ToJsonString();
    }

    // ---- tokens and nodes ----------------------------------------------------------------------------------

    public Token NewToken(Token? parent, string? branchId)
    {
        var token = new Token
        {
            Id = Guid.CreateVersion7(), CaseId = Case.Id, ParentId = parent?.Id, BranchId = branchId,
            NodeId = parent?.NodeId ?? Model.Start.Id, Status = TokenStatus.Active, CreatedAt = Now,
        };
        Tokens.Add(token);
        Session.Add(token);
        return token;
    }

    public Token? Parent(Token token) => token.ParentId is { } id ? Tokens.Find(t => t.Id == id) : null;

    public IEnumerable<Token> Children(Token parent) => Tokens.Where(t => t.ParentId == parent.Id && t.IsLive);

    /// <summary>The top-level token a token descends from (itself at the top level).</summary>
    public Token Root(Token token)
    {
        while (Parent(token) is { } parent) token = parent;
        return token;
    }

    /// <summary>Queues the token's entry into a node; <see cref="Drain"/> runs the queue.</summary>
    public void Enter(Token token, Node node)
    {
        token.NodeId = node.Id;
        token.Status = TokenStatus.Active;
        if (token.ParentId is null && Model.DecidedResult(node.Id) is { } result) Clock.Decided(result);
        _agenda.Enqueue((token, node));
    }

    /// <summary>Runs queued node entries until every token waits for a person, a timer or its join.</summary>
    public void Drain()
    {
        while (_agenda.TryDequeue(out var step))
        {
            var (token, node) = step;
            if (!token.IsLive || token.NodeId != node.Id) continue; // cancelled or moved by an earlier step
            Services.Behaviors[node.Kind].Enter(this, token, node);
        }
    }

    /// <summary>
    /// The token leaves a node with an outcome. At the top level the flows decide where next (a failing condition
    /// raises an incident and leaves the token where it is); in a branch the sequence goes on, or the branch ends
    /// on a rejection or after its last node.
    /// </summary>
    public void Leave(Token token, Node node, string? outcome, Verdict verdict, string? handler)
    {
        var place = Model.Place(node.Id);
        if (place.IsTopLevel)
        {
            Flow flow;
            try
            {
                flow = Services.Router.Choose(Model, node, outcome, Case.Data);
            }
            catch (Exception e) when (e is ConditionFailedException or NoRouteException)
            {
                RaiseIncident(token, node, outcome, e.Message);
                return;
            }
            CloseVisit(token, outcome, handler);
            Enter(token, Model.Place(flow.To).Node);
            return;
        }
        CloseVisit(token, outcome, handler);
        if (verdict == Verdict.Reject || place.NextInBranch is not { } next) EndBranch(token, verdict == Verdict.Reject ? Verdict.Reject : Verdict.Approve);
        else Enter(token, next);
    }

    /// <summary>A branch token has finished: it waits for its join, which may now decide.</summary>
    public void EndBranch(Token token, Verdict verdict)
    {
        token.Status = TokenStatus.Arrived;
        token.Verdict = Vocabulary.Verdicts[verdict];
        token.EndedAt = Now;
        Clock.Cancel(t => t.TokenId == token.Id);
        var parent = Parent(token) ?? throw new InvalidOperationException($"branch token {token.Id} has no parent");
        ParallelBehavior.OnBranchArrived(this, parent, (ParallelNode)Model.Place(parent.NodeId).Node);
    }

    /// <summary>Cancels a token and everything under it, keeping their work items and visits marked with the reason.</summary>
    public void CancelTree(Token token, string reason)
    {
        foreach (var child in Tokens.Where(t => t.ParentId == token.Id && t.IsLive).ToList()) CancelTree(child, reason);
        if (token.Status == TokenStatus.Arrived) token.Status = TokenStatus.Done; // its branch had finished; keep its verdict
        else if (token.IsLive)
        {
            token.Status = TokenStatus.Cancelled;
            token.EndedAt = Now;
        }
        foreach (var item in WorkItems.Where(w => w.TokenId == token.Id && w.IsOpen))
        {
            item.Status = WorkItemStatus.Cancelled;
            item.CancelReason = reason;
            Journal("work-item-cancelled", item.NodeId, new { workItem = item.Id, department = item.Department, reason });
        }
        CloseVisit(token, "已取消", null);
        Clock.Cancel(t => t.TokenId == token.Id);
        foreach (var incident in OpenIncidents.Where(i => i.TokenId == token.Id && i.ResolvedAt is null)) Resolve(incident);
    }

    /// <summary>The case is over: whatever still runs is cancelled with the reason.</summary>
    public void Finish(CaseStatus status, string result, string reason)
    {
        foreach (var token in Tokens.Where(t => t.IsLive && t.ParentId is null).ToList()) CancelTree(token, reason);
        long? stood = null;
        foreach (var suspension in OpenSuspensions.ToList())
        {
            EndSuspension(suspension, reason);
            stood = (stood ?? 0) + (suspension.WorkingMs ?? 0);
        }
        Case.Status = status;
        Case.Result = result;
        Case.EndedAt = Now;
        Clock.Ended();
        // Suspensions the end cut short get no special-procedure-ended entry: their working time and the due times they
        // shifted go on this one, so the facts replayed from the journal still agree (absent, as before, when there were none).
        Journal("case-ended", null, new
        {
            status = status.ToString(), result, suspendedMs = stood,
            promisedDue = stood is null ? null : Case.PromisedDue, legalDue = stood is null ? null : Case.LegalDue,
        });
    }

    // ---- work items and visits -------------------------------------------------------------------------------

    /// <summary>Closes a work item with an outcome, by this run's actor (the engine itself for 视为同意 / 视为受理).</summary>
    public void CompleteWorkItem(WorkItem item, string outcome, string? opinion, bool deemed = false)
    {
        item.Status = WorkItemStatus.Completed;
        item.CompletedAt = Now;
        item.CompletedBy = Actor.Id;
        item.Assignee ??= Actor.Id;
        item.Outcome = outcome;
        item.Opinion = opinion;
        item.Deemed = deemed;
    }

    /// <summary>Who answers for the case now: the departments holding its open work items, else the implementing body.</summary>
    public IReadOnlyList<string> ResponsibleDepartments()
    {
        var holders = WorkItems.Where(w => w.IsOpen).Select(w => w.Department).Distinct().ToList();
        return holders.Count > 0 ? holders : [Model.Definition.Power.Subject];
    }

    public WorkItem OpenWorkItem(Token token, string nodeId, string nodeName, string department, string role)
    {
        var item = new WorkItem
        {
            Id = Guid.CreateVersion7(), CaseId = Case.Id, TokenId = token.Id, NodeId = nodeId, NodeName = nodeName,
            Department = department, Role = role, Status = WorkItemStatus.Open, CreatedAt = Now, CausedBy = CausedBy,
        };
        WorkItems.Add(item);
        Session.Add(item);
        return item;
    }

    public NodeVisit OpenVisit(Token token, string nodeId, NodeKind kind, string? department)
    {
        CloseVisit(token, null, null);
        var visit = new NodeVisit
        {
            Id = Guid.CreateVersion7(), CaseId = Case.Id, TokenId = token.Id, DefinitionVersionId = Case.DefinitionVersionId,
            PowerCode = Case.PowerCode, Version = Case.Version, NodeId = nodeId, NodeKind = Vocabulary.NodeKinds[kind],
            Department = department, EnteredAt = Now,
        };
        OpenVisits.Add(visit);
        Session.Add(visit);
        if (Model.Contains(nodeId)) Clock.VisitOpened(visit, Model.Place(nodeId).Node);
        return visit;
    }

    /// <summary>Ends the token's current visit, if it has one.</summary>
    public void CloseVisit(Token token, string? outcome, string? handler)
    {
        var visit = OpenVisits.Find(v => v.TokenId == token.Id && v.LeftAt is null);
        if (visit is null) return;
        visit.LeftAt = Now;
        visit.Outcome = outcome;
        visit.Handler = handler;
        OpenVisits.Remove(visit);
        Clock.VisitClosed(visit);
    }

    // ---- special procedures ----------------------------------------------------------------------------------

    /// <summary>Ends a special procedure; a stop-the-clock one lets the clocks run again (<see cref="CaseClock.Resumed"/>).</summary>
    public void EndSuspension(Suspension suspension, string result)
    {
        suspension.EndedAt = Now;
        suspension.Result = result;
        OpenSuspensions.Remove(suspension);
        Clock.Cancel(t => t.SubjectId == suspension.Id);
        if (suspension.Effect == "stop-clock")
            Clock.Resumed(suspension, OpenVisits.Find(v => v.TokenId == suspension.TokenId && v.NodeId == suspension.NodeId));
    }

    // ---- incidents, journal, documents -----------------------------------------------------------------------

    public Incident RaiseIncident(Token token, Node node, string? outcome, string message)
    {
        token.Status = TokenStatus.Waiting;
        var incident = new Incident
        {
            Id = Guid.CreateVersion7(), CaseId = Case.Id, TokenId = token.Id, NodeId = node.Id, Outcome = outcome,
            Message = message, CreatedAt = Now, Attempts = 1,
        };
        OpenIncidents.Add(incident);
        Session.Add(incident);
        Case.OpenIncidents++;
        Journal("incident-raised", node.Id, new { incident = incident.Id, message });
        return incident;
    }

    public void Resolve(Incident incident)
    {
        incident.ResolvedAt = Now;
        Case.OpenIncidents = Math.Max(0, Case.OpenIncidents - 1);
        Journal("incident-resolved", incident.NodeId, new { incident = incident.Id });
    }

    public void Journal(string kind, string? nodeId, object? payload) =>
        Session.Add(JournalChain.Append(Case, Now, Actor.Id, kind, nodeId, payload));

    public CaseDocument AddDocument(string nodeId, DocumentTemplate template, string? recipient, string body)
    {
        var document = new CaseDocument
        {
            Id = Guid.CreateVersion7(), CaseId = Case.Id, NodeId = nodeId, TemplateId = template.Id, Name = template.Name,
            Recipient = recipient, Body = body, CreatedAt = Now,
        };
        Session.Add(document);
        return document;
    }
}
