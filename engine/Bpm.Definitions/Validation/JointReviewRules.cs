using Bpm.Definitions.Diagnostics;
using Bpm.Definitions.Model;

namespace Bpm.Definitions.Validation;

/// <summary>并联审批 blocks: branch count, join policy, branch contents (domain.md §6, rules 12–14).</summary>
public sealed class JointReviewRules : IDefinitionRule
{
    public void Check(ValidationContext context)
    {
        foreach (var indexed in context.AllNodes)
        {
            if (indexed.Node is not ParallelNode block) continue;
            var path = indexed.Path;
            var m = block.Branches.Count;
            if (m < 2)
                context.Report(Codes.TooFewBranches,
                    $"joint review '{block.Id}' has {m} branch{(m == 1 ? "" : "es")}; it needs at least two (a single department's step is a task)", path, block.Id);

            if (block.Join == JoinMode.NOfM)
            {
                if (block.Quorum is not { } n)
                    context.Report(Codes.QuorumMissing, $"join n-of-m in '{block.Id}' needs 'quorum': how many of the {m} branches must approve", path + "/join", block.Id);
                else if (n < 1 || n > m)
                    context.Report(Codes.ImpossibleJoin, $"quorum {n} is impossible with {m} branches in '{block.Id}'; choose 1 to {m}", path + "/quorum", block.Id);
                else if (m >= 2 && (n == 1 || n == m))
                    context.Report(Codes.DegenerateQuorum, $"quorum {n} of {m} in '{block.Id}' is the same as join: {(n == 1 ? "any" : "all")}; write that instead", path + "/quorum", block.Id);
            }
            else if (block.Quorum is not null)
            {
                context.Report(Codes.ImpossibleJoin, $"'quorum' only applies to join: n-of-m, but '{block.Id}' joins by {Vocabulary.JoinModes[block.Join]}", path + "/quorum", block.Id);
            }

            var branchIds = new HashSet<string>(StringComparer.Ordinal);
            for (var b = 0; b < m; b++)
            {
                var branch = block.Branches[b];
                var branchPath = $"{path}/branches/{b}";
                if (!branchIds.Add(branch.Id))
                    context.Report(Codes.DuplicateBranch, $"joint review '{block.Id}' already has a branch '{branch.Id}'", branchPath + "/id", block.Id);
                if (branch.Nodes.Count == 0)
                {
                    context.Report(Codes.EmptyBranch, $"branch '{branch.Id}' of '{block.Id}' has no nodes; add the department's review task", branchPath + "/nodes", block.Id);
                    continue;
                }
                for (var n = 0; n < branch.Nodes.Count; n++)
                    if (branch.Nodes[n] is StartNode or EndNode or DecisionNode)
                        context.Report(Codes.NodeNotAllowedInBranch,
                            $"a branch is a sequence of task, service, wait or parallel nodes; '{branch.Nodes[n].Id}' is {GraphRules.Kind(branch.Nodes[n])}",
                            $"{branchPath}/nodes/{n}", branch.Nodes[n].Id);

                if (block.Limit is { } limit && branch.Silence is { } silence && silence.Unit == limit.Unit && silence.Value > limit.Value)
                    context.Report(Codes.SilenceNotBelowBlock,
                        $"branch '{branch.Id}' is deemed to consent after '{silence}', but the whole block '{block.Id}' is due in '{limit}'; silence must fall due no later than the block",
                        branchPath + "/silence", block.Id);

                var needed = block.Join == JoinMode.Veto ? Verdict.Reject : Verdict.Approve;
                if (!CanProduce(branch, needed))
                    context.Report(Codes.JoinCannotDecide,
                        needed == Verdict.Reject
                            ? $"join veto counts rejections, but no task in branch '{branch.Id}' has a rejecting outcome (e.g. 不同意)"
                            : $"join {Vocabulary.JoinModes[block.Join]} counts approvals, but branch '{branch.Id}' ends with no approving outcome (e.g. 同意)",
                        branchPath, block.Id);
            }
        }
    }

    /// <summary>Whether a branch can end with the verdict its join counts (silence counts as consent).</summary>
    private static bool CanProduce(Branch branch, Verdict verdict)
    {
        if (verdict == Verdict.Approve)
        {
            if (branch.Silence is not null) return true;
            var decisive = branch.Nodes.LastOrDefault(n => n is TaskNode or ParallelNode);
            return decisive is null or ParallelNode || ((TaskNode)decisive).Outcomes.Any(o => o.Verdict == Verdict.Approve);
        }
        return branch.Nodes.Any(n => n is ParallelNode || n is TaskNode t && t.Outcomes.Any(o => o.Verdict == Verdict.Reject));
    }
}
