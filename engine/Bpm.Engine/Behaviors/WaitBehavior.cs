using Bpm.Definitions.Model;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;

namespace Bpm.Engine.Behaviors;

/// <summary>A timed wait (公示期 …): the token parks here until its timer fires.</summary>
public sealed class WaitBehavior : INodeBehavior
{
    public NodeKind Kind => NodeKind.Wait;

    public void Enter(CaseRun run, Token token, Node node)
    {
        var wait = (WaitNode)node;
        run.OpenVisit(token, node.Id, Kind, null);
        if (!run.Clock.Enabled)
        {
            run.RaiseIncident(token, node, null, "a wait needs the working-day calendar, and this engine has none");
            return;
        }
        token.Status = TokenStatus.Waiting;
        var until = run.Clock.Time.DueAt(run.Now, wait.Duration);
        run.Clock.Schedule(TimerKind.Wait, until, token: token, nodeId: node.Id);
        run.Journal("wait-started", node.Id, new { duration = wait.Duration.ToString(), until });
    }
}
