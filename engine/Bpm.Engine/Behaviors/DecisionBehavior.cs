using Bpm.Definitions.Model;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;

namespace Bpm.Engine.Behaviors;

/// <summary>An automatic branch point: the flows' conditions over the case data choose the way.</summary>
public sealed class DecisionBehavior : INodeBehavior
{
    public NodeKind Kind => NodeKind.Decision;

    public void Enter(CaseRun run, Token token, Node node)
    {
        run.OpenVisit(token, node.Id, Kind, null);
        run.Leave(token, node, null, Verdict.Other, null);
    }
}
