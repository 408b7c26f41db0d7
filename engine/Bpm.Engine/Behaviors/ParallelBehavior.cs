using Bpm.Definitions.Model;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;

namespace Bpm.Engine.Behaviors;

public enum JoinDecision { Pending, Approved, Rejected }

/// <summary>
/// 并联审批: every branch starts at once on its own token; the parent token waits at this node. Each time a
/// branch arrives, the join policy decides; once decided, branches still open are cancelled (kept, with the
/// reason) and the parent leaves with 同意 or 不同意 towards the lead department's consolidation.
/// </summary>
public sealed class ParallelBehavior : INodeBehavior
{
    public const string Approved = "同意";
    public const string Rejected = "不同意";

    public NodeKind Kind => NodeKind.Parallel;

    public void Enter(CaseRun run, Token token, Node node)
    {
        var block = (ParallelNode)node;
        run.OpenVisit(token, node.Id, Kind, block.Lead);
        token.Status = TokenStatus.Waiting;
        run.Journal("joint-review-started", node.Id, new { lead = block.Lead, join = Vocabulary.JoinModes[block.Join], branches = block.Branches.Select(b => b.Id).ToArray() });
        foreach (var branch in block.Branches)
        {
            var child = run.NewToken(token, branch.Id);
            // 沉默即同意 (rule 14): a branch that has not answered by then consents.
            if (branch.Silence is { } silence && run.Clock.Enabled)
                run.Clock.Schedule(TimerKind.Silence, run.Clock.Time.DueAt(run.Now, silence), token: child, nodeId: node.Id);
            run.Enter(child, branch.Nodes[0]);
        }
    }

    /// <summary>Called when one of the block's branches has finished.</summary>
    public static void OnBranchArrived(CaseRun run, Token parent, ParallelNode block)
    {
        var branches = run.Children(parent).ToList();
        var arrived = branches.Where(b => b.Status == TokenStatus.Arrived).ToList();
        var approvals = arrived.Count(b => b.Verdict == Vocabulary.Verdicts[Verdict.Approve]);
        var rejections = arrived.Count - approvals;
        var decision = Decide(block.Join, block.Quorum, branches.Count, approvals, rejections);
        if (decision == JoinDecision.Pending) return;

        var outcome = decision == JoinDecision.Approved ? Approved : Rejected;
        var reason = $"并联审批已由会签规则（{Vocabulary.JoinModes[block.Join]}）决定：{outcome}";
        foreach (var branch in branches) run.CancelTree(branch, reason);
        run.Journal("joint-review-decided", block.Id, new
        {
            outcome, join = Vocabulary.JoinModes[block.Join], branches = branches.Count, approvals, rejections,
            cancelled = branches.Where(b => b.Status == TokenStatus.Cancelled).Select(b => b.BranchId).ToArray(),
        });
        parent.Status = TokenStatus.Active;
        run.Leave(parent, block, outcome, decision == JoinDecision.Approved ? Verdict.Approve : Verdict.Reject, null);
    }

    /// <summary>The join policy: whether the verdicts so far decide the block.</summary>
    /// <remarks>
    /// all waits for every department's opinion and approves only if none rejected; veto stops at the first rejection;
    /// any stops at the first approval; n-of-m stops as soon as n approvals are in, or once n can no longer be reached.
    /// </remarks>
    public static JoinDecision Decide(JoinMode mode, int? quorum, int branches, int approvals, int rejections)
    {
        var finished = approvals + rejections == branches;
        return mode switch
        {
            JoinMode.All => finished ? (rejections == 0 ? JoinDecision.Approved : JoinDecision.Rejected) : JoinDecision.Pending,
            JoinMode.Veto => rejections > 0 ? JoinDecision.Rejected : finished ? JoinDecision.Approved : JoinDecision.Pending,
            JoinMode.Any => approvals > 0 ? JoinDecision.Approved : finished ? JoinDecision.Rejected : JoinDecision.Pending,
            JoinMode.NOfM => approvals >= (quorum ?? branches) ? JoinDecision.Approved
                : rejections > branches - (quorum ?? branches) ? JoinDecision.Rejected
                : JoinDecision.Pending,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
        };
    }
}
