using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bpm.Definitions.Model;
using Bpm.Engine.Commands;
using Bpm.Engine.Runtime;

namespace Bpm.Engine.Discretion;

/// <summary>
/// Where rule 17 meets the engine: completing a task that carries a <c>discretion</c> block with an approving
/// outcome (给予处罚) checks the decided fine against the table version in force on the violation date, reading the
/// fields the block names from the case data and the submitted form. A refusal leaves the case unchanged.
/// </summary>
internal static class PenaltyDecisionGate
{
    /// <summary>The accepted decision, to be journalled; null when the step decides no fine (or does not approve).</summary>
    public static async Task<PenaltyDecision?> CheckAsync(CaseRun run, TaskNode? task, Verdict verdict, JsonObject? form, CancellationToken cancellationToken)
    {
        if (task?.Discretion is not { } binding || verdict != Verdict.Approve) return null;
        form ??= [];
        // Types and required fields first, so what follows reads well-formed values.
        FormCheck.Check(task.Form, form, run.Data, approving: true);
        var facts = run.Data.DeepClone().AsObject();
        foreach (var (key, value) in form) facts[key] = value?.DeepClone();

        var violationDate = Date(facts, binding.ViolationDate)
            ?? throw new CommandRejectedException("violation-date-required",
                $"'{task.Name}' decides a fine under the 裁量基准 in force on the violation date; record it in '{binding.ViolationDate}' first");
        var amount = DiscretionAssessor.Number(facts, binding.Amount)
            ?? throw new CommandRejectedException("fine-amount-required", $"'{task.Name}' decides a fine: give the amount in '{binding.Amount}'");
        var assessment = run.Services.Discretion.Assess(run.Model.Definition, binding.Table, facts, violationDate);
        string column;
        if (binding.Column is { } columnKey)
            column = facts[columnKey] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>()
                : throw new CommandRejectedException("discretion-column-required",
                    $"which column of '{assessment.Table}' applies ({string.Join(", ", assessment.Columns.Select(c => c.Name))}) is read from '{columnKey}', which the case does not have yet");
        else column = assessment.Columns[0].Id;

        var grounds = new DecisionGrounds
        {
            Grounds = Text(facts, binding.Grounds),
            Mitigation = Text(facts, binding.Mitigation),
            LegalReview = binding.LegalReview is { } reviewNode ? await LegalReviewAsync(run, reviewNode, cancellationToken) : null,
        };
        return PenaltyDecisionCheck.Check(assessment, column, amount, grounds);
    }

    /// <summary>The latest approving completion of the 法制审核 step, from the case's node visits.</summary>
    private static async Task<LegalReviewRecord?> LegalReviewAsync(CaseRun run, string nodeId, CancellationToken cancellationToken)
    {
        if (!run.Model.Contains(nodeId) || run.Model.Place(nodeId).Node is not TaskNode review) return null;
        var approving = review.Outcomes.Where(o => o.Verdict == Verdict.Approve).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var visits = await run.Session.LoadVisitsAsync(run.Case.Id, cancellationToken);
        var visit = visits.Where(v => v.NodeId == nodeId && v.LeftAt is not null && v.Outcome is { } outcome && approving.Contains(outcome))
            .MaxBy(v => v.LeftAt);
        return visit is null ? null : new LegalReviewRecord(nodeId, visit.Handler, visit.LeftAt!.Value, visit.Outcome!);
    }

    private static DateOnly? Date(JsonObject facts, string key) =>
        Text(facts, key) is { } text && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    private static string? Text(JsonObject facts, string? key) =>
        key is not null && facts[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
