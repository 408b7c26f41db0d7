using Bpm.Definitions.Model;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;

namespace Bpm.Engine.Behaviors;

/// <summary>申请: the application is in; move on.</summary>
public sealed class StartBehavior : INodeBehavior
{
    public NodeKind Kind => NodeKind.Start;

    public void Enter(CaseRun run, Token token, Node node)
    {
        run.OpenVisit(token, node.Id, Kind, null);
        run.Leave(token, node, null, Verdict.Approve, run.Case.ApplicantId);
    }
}
