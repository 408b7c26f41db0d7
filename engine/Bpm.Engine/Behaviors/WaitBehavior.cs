using Bpm.Definitions.Model;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;

namespace Bpm.Engine.Behaviors;

/// <summary>
/// A timed wait (公示期 …). The token parks here; it moves on when its timer fires, which needs the legal-time
/// calendar to place the due moment in working days. Until a timer fires it, the case shows the wait as its position.
/// </summary>
public sealed class WaitBehavior : INodeBehavior
{
    public NodeKind Kind => NodeKind.Wait;

    public void Enter(CaseRun run, Token token, Node node)
    {
        var wait = (WaitNode)node;
        run.OpenVisit(token, node.Id, Kind, null);
        token.Status = TokenStatus.Waiting;
        run.Journal("wait-started", node.Id, new { duration = wait.Duration.ToString() });
    }
}
