using Bpm.Definitions.Diagnostics;
using Bpm.Definitions.Model;

namespace Bpm.Definitions.Validation;

/// <summary>法定/承诺 limits, node limits and warning thresholds, the node's and the case's (domain.md §1, §8 rules 1, 10, 12).</summary>
public sealed class TimeLimitRules : IDefinitionRule
{
    private const decimal ExtensionSingle = 10, ExtensionJoint = 15, JointCap = 45;

    public void Check(ValidationContext context)
    {
        var definition = context.Definition;
        var limits = definition.Limits;
        var instant = definition.Power.Handling == HandlingKind.Instant;

        foreach (var (duration, path, zeroAllowed) in Durations(context))
        {
            if (duration.Value < 0 || (duration.Value == 0 && !(zeroAllowed && instant)))
                context.Report(Codes.NonPositiveLimit,
                    duration.Value == 0 && zeroAllowed
                        ? $"'{duration}' is only allowed in a 即办件 (当场办结); give a positive limit or set power.handling to 即办件"
                        : $"a time limit must be positive, not '{duration}'",
                    path, NodeAt(context, path));
        }

        if (instant && limits.Promised.Value > 0)
            context.Report(Codes.InstantNotSameDay,
                $"a 即办件 is promised on the same working day: set limits.promised to '0 工作日', not '{limits.Promised}', or make it a 承诺件",
                "/limits/promised");

        if (limits.Promised.Unit == limits.Legal.Unit)
        {
            if (limits.Promised.Value > limits.Legal.Value)
                context.Report(Codes.PromisedOverLegal,
                    $"the promised limit '{limits.Promised}' is longer than the legal limit '{limits.Legal}'; a promise may only shorten the law's limit",
                    "/limits/promised");
        }
        else
        {
            context.Report(Codes.IncomparableUnits,
                $"the promised limit '{limits.Promised}' and the legal limit '{limits.Legal}' use different units and cannot be checked against each other; use one unit",
                "/limits/promised");
        }

        var isLicense = definition.Power.Category == PowerCategory.License;
        if (isLicense && limits.Extension is { Max: { Unit: TimeUnit.WorkingDay, Ref: null } max })
        {
            var allowed = context.IsJoint ? ExtensionJoint : ExtensionSingle;
            if (max.Value > allowed)
                context.Report(Codes.ExtensionOverLaw,
                    $"行政许可法第四十二条 allows an extension of at most {allowed} 工作日{(context.IsJoint ? " for joint handling" : "")}, not '{max}'; if another law allows more, cite it: {{value: {max.Value}, unit: 工作日, ref: …}}",
                    "/limits/extension/max");
        }
        if (isLicense && context.IsJoint && limits.Legal.Unit == TimeUnit.WorkingDay && limits.Legal.Value > JointCap)
            context.Report(Codes.JointCapExceeded,
                $"a joint (统一/联合/集中办理) 行政许可 must be decided within {JointCap} 工作日 (行政许可法第四十二条第二款), but the legal limit is '{limits.Legal}'",
                "/limits/legal");

        foreach (var node in context.AllNodes)
        {
            if (node.Node is not TaskNode { Warning: { } warning } task) continue;
            var path = node.Path + "/warning";
            if (task.Limit is null)
                context.Report(Codes.WarningNotBelowLimit, $"task '{task.Id}' has a warning threshold but no limit; add 'limit' or remove 'warning'", path, task.Id);
            else if (NotBelow(warning, task.Limit) is { } remaining)
                context.Report(Codes.WarningNotBelowLimit,
                    $"the warning threshold '{remaining}' of task '{task.Id}' must be shorter than its limit '{task.Limit}', or the light is yellow from the start",
                    path, task.Id);
        }

        // The case's own yellow counts down to the promised due. Only a warning: an extension (延长审批) lengthens
        // the time left, so the threshold can still come to mean something, but as written the case starts yellow.
        if (definition.Supervision?.Warning is { } caseWarning && NotBelow(caseWarning, limits.Promised) is { } caseRemaining)
            context.Report(Codes.CaseWarningNotBelowPromised,
                $"the case warning threshold '{caseRemaining}' is not shorter than the promised limit '{limits.Promised}', so every case is yellow from acceptance; shorten it or write a percentage such as '30%'",
                "/supervision/warning");

        CheckLongestPath(context);
    }

    /// <summary>
    /// The remaining-time part of a warning threshold when it is not shorter than the limit it counts down, so the
    /// light would be yellow from the start. Only durations in the limit's unit are compared; a percentage is
    /// always shorter (the reader accepts 0% &lt; p &lt; 100% only).
    /// </summary>
    private static Duration? NotBelow(WarningThreshold warning, Duration limit) =>
        warning.Remaining is { } remaining && remaining.Unit == limit.Unit && remaining.Value >= limit.Value ? remaining : null;

    private static string? NodeAt(ValidationContext context, string path) =>
        context.AllNodes.Where(n => path.StartsWith(n.Path + "/", StringComparison.Ordinal)).MaxBy(n => n.Path.Length)?.Node.Id;

    /// <summary>Every duration in the definition, with its path and whether a 即办件 may set it to zero.</summary>
    private static IEnumerable<(Duration Duration, string Path, bool ZeroAllowed)> Durations(ValidationContext context)
    {
        var limits = context.Definition.Limits;
        yield return (limits.Legal, "/limits/legal", false);
        yield return (limits.Promised, "/limits/promised", true);
        if (limits.Extension is { } extension) yield return (extension.Max, "/limits/extension/max", false);
        if (limits.SupplementNotice is { } notice) yield return (notice, "/limits/supplementNotice", false);
        if (limits.Certificate is { } certificate) yield return (certificate, "/limits/certificate", false);
        foreach (var node in context.AllNodes)
        {
            switch (node.Node)
            {
                case TaskNode task:
                    if (task.Limit is { } limit) yield return (limit, node.Path + "/limit", true);
                    if (task.Warning?.Remaining is { } remaining) yield return (remaining, node.Path + "/warning", false);
                    break;
                case ParallelNode parallel:
                    if (parallel.Limit is { } block) yield return (block, node.Path + "/limit", false);
                    for (var b = 0; b < parallel.Branches.Count; b++)
                        if (parallel.Branches[b].Silence is { } silence) yield return (silence, $"{node.Path}/branches/{b}/silence", false);
                    break;
                case WaitNode wait:
                    yield return (wait.Duration, node.Path + "/duration", false);
                    break;
            }
        }
        var procedures = context.Definition.SpecialProcedures;
        for (var i = 0; i < procedures.Count; i++)
            if (procedures[i].Budget is { } budget) yield return (budget, $"/specialProcedures/{i}/budget", false);
        if (context.Definition.Supervision is { } supervision)
        {
            if (supervision.Warning?.Remaining is { } caseWarning) yield return (caseWarning, "/supervision/warning", false);
            for (var i = 0; i < supervision.Escalations.Count; i++)
                if (supervision.Escalations[i].AnswerWithin is { } answer) yield return (answer, $"/supervision/escalations/{i}/answerWithin", false);
        }
    }

    /// <summary>
    /// Sums node limits along the longest path from start to an end (loops such as 补正 or 退回 are walked
    /// once) and warns when the sum exceeds the case's promised or legal limit (rule: 流程各岗位时限之和不得超过承诺期限).
    /// </summary>
    private static void CheckLongestPath(ValidationContext context)
    {
        var graph = new FlowGraph(context);
        if (graph.Start is null) return;
        // 受理, the first step after the application, runs before the decision clock starts (rule 6): the engine's case
        // clock and the designer's deadline simulation leave its time out, so the path does too.
        var acceptance = graph.Outgoing(graph.Start.Id)
            .Select(f => context.NodesById.TryGetValue(f.Flow.To, out var target) ? target.Node : null)
            .OfType<TaskNode>().FirstOrDefault()?.Id;
        var (cost, path, unit) = graph.LongestPath(node => node.Id == acceptance ? (0, null) : Cost(node));
        if (path.Count == 0) return;
        var limits = context.Definition.Limits;
        var route = string.Join(" → ", path);
        foreach (var (limit, code, label, at) in new[]
                 {
                     (limits.Legal, Codes.PathOverLegal, "legal", "/limits/legal"),
                     (limits.Promised, Codes.PathOverPromised, "promised", "/limits/promised"),
                 })
        {
            var allowed = WorkingDays.Approximate(limit);
            if (cost > allowed && !(limit.Value == 0 && context.Definition.Power.Handling == HandlingKind.Instant))
            {
                context.Report(code,
                    $"the node limits along {route} add up to {WorkingDays.Describe(cost, unit == limit.Unit ? unit : null)}, more than the {label} limit '{limit}'; shorten the node limits or raise the case limit",
                    at);
                break;
            }
        }
    }

    /// <summary>
    /// A node's own time, in approximate working days. A joint block costs its slowest branch, capped by the block's
    /// own limit (a branch cannot run past it), as the case clock counts it.
    /// </summary>
    private static (decimal WorkingDays, TimeUnit? Unit) Cost(Node node) => node switch
    {
        TaskNode { Limit: { } limit } => (WorkingDays.Approximate(limit), limit.Unit),
        WaitNode wait => (WorkingDays.Approximate(wait.Duration), wait.Duration.Unit),
        ParallelNode { Limit: { } limit } parallel when WorkingDays.Approximate(limit) <= SlowestBranch(parallel) => (WorkingDays.Approximate(limit), limit.Unit),
        ParallelNode parallel => (SlowestBranch(parallel), null),
        _ => (0, null),
    };

    private static decimal SlowestBranch(ParallelNode parallel) =>
        parallel.Branches.Select(b => b.Nodes.Sum(n => Cost(n).WorkingDays)).DefaultIfEmpty(0).Max();
}
