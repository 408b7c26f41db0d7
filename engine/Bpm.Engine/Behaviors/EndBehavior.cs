using Bpm.Definitions.Model;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;

namespace Bpm.Engine.Behaviors;

/// <summary>办结: the case ends with the node's result.</summary>
public sealed class EndBehavior : INodeBehavior
{
    public NodeKind Kind => NodeKind.End;

    public void Enter(CaseRun run, Token token, Node node)
    {
        var end = (EndNode)node;
        run.OpenVisit(token, node.Id, Kind, null);
        run.CloseVisit(token, Vocabulary.EndResults[end.Result], null);
        token.Status = TokenStatus.Done;
        token.EndedAt = run.Now;
        var status = end.Result switch
        {
            EndResult.Withdrawn => CaseStatus.Withdrawn,
            EndResult.Terminated => CaseStatus.Terminated,
            _ => CaseStatus.Completed,
        };
        run.Finish(status, Vocabulary.EndResults[end.Result], $"办结：{end.Name}");
    }
}
