using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bpm.Definitions.Model;
using Bpm.Engine.Runtime;

namespace Bpm.Engine.Discretion;

/// <summary>
/// Applies a definition's 行政处罚裁量基准 to a case (domain.md §5, rule 17): picks the table version in force on the
/// violation date, evaluates each tier's <c>when</c> over the facts with the engine's sandboxed condition evaluator,
/// and states the tier, its band and the statutory range per column, in yuan where the base is known.
/// Stateless; one instance serves every caller.
/// </summary>
public sealed class DiscretionAssessor(ConditionEvaluator conditions)
{
    /// <summary>An assessor with the engine's default sandbox limits.</summary>
    public DiscretionAssessor() : this(new ConditionEvaluator(new ConditionLimits())) { }

    /// <summary>
    /// The assessment <c>POST /api/discretion/assess</c> returns, against the definition the caller loaded for
    /// <see cref="AssessmentRequest.PowerCode"/> (and <see cref="AssessmentRequest.Version"/>).
    /// </summary>
    /// <exception cref="NotFoundException">The definition has no such table (reason <c>discretion-table-not-found</c>).</exception>
    /// <exception cref="CommandRejectedException">
    /// No version of the table was in force on the date (<c>discretion-not-in-force</c>), the request names another
    /// power (<c>power-mismatch</c>), or a tier's selector failed (<c>tier-condition-failed</c>).
    /// </exception>
    public Assessment Assess(ProcessDefinition definition, AssessmentRequest request)
    {
        if (!string.IsNullOrEmpty(request.PowerCode) && !string.Equals(request.PowerCode, definition.Power.Code, StringComparison.Ordinal))
            throw new CommandRejectedException("power-mismatch", $"the request is about power {request.PowerCode}, but the definition given is {definition.Power.Code}");
        return Assess(definition, request.Violation, request.Facts, request.ViolationDate);
    }

    /// <inheritdoc cref="Assess(ProcessDefinition, AssessmentRequest)"/>
    public Assessment Assess(ProcessDefinition definition, string violation, JsonObject facts, DateOnly violationDate)
    {
        var entry = InForce(definition, violation, violationDate);
        var data = facts.ToJsonString();
        var matching = new List<DiscretionTier>();
        foreach (var tier in entry.Tiers)
        {
            if (tier.When is not { } when) continue;
            bool holds;
            try
            {
                holds = conditions.Evaluate(when, data);
            }
            catch (ConditionFailedException e)
            {
                throw new CommandRejectedException("tier-condition-failed",
                    $"the selector of tier {Vocabulary.TierLevels[tier.Level]} of discretion table '{entry.Id}' failed: {e.Reason}");
            }
            if (holds) matching.Add(tier);
        }
        var selected = matching.MaxBy(t => t.Level);
        return new Assessment(
            definition.Power.Code,
            entry.Id,
            entry.Violation,
            entry.Violates,
            entry.Basis,
            entry.EffectiveFrom,
            violationDate,
            entry.Measures.ToList(),
            selected is null ? null : View(selected),
            matching.Select(t => Vocabulary.TierLevels[t.Level]).ToList(),
            entry.Columns.Select(c => Column(c, selected, facts)).ToList(),
            entry.Tiers.Select(View).ToList(),
            selected is null ? NoTier(entry) : null);
    }

    /// <summary>
    /// The version of a table in force on a date: the same id, the latest <c>effectiveFrom</c> on or before it
    /// (a version without a date counts as in force from the beginning).
    /// </summary>
    public static DiscretionEntry InForce(ProcessDefinition definition, string violation, DateOnly date)
    {
        var versions = definition.Discretion.Where(e => e.Id == violation).ToList();
        if (versions.Count == 0)
        {
            versions = definition.Discretion.Where(e => e.Violation == violation).ToList();
            var ids = versions.Select(e => e.Id).Distinct().ToList();
            if (ids.Count > 1)
                throw new CommandRejectedException("discretion-table-ambiguous",
                    $"several discretion tables of {definition.Power.Code} are about '{violation}' ({string.Join(", ", ids)}); name one by its id");
        }
        if (versions.Count == 0)
        {
            var known = definition.Discretion.Select(e => $"{e.Id} {e.Violation}").Distinct().ToList();
            throw new NotFoundException("discretion-table",
                $"{definition.Power.Code} has no discretion table '{violation}'" + (known.Count > 0 ? $" (tables: {string.Join("; ", known)})" : ""));
        }
        var inForce = versions.Where(e => (e.EffectiveFrom ?? DateOnly.MinValue) <= date).MaxBy(e => e.EffectiveFrom ?? DateOnly.MinValue);
        if (inForce is not null) return inForce;
        var earliest = versions.Min(e => e.EffectiveFrom!.Value);
        throw new CommandRejectedException("discretion-not-in-force",
            $"no version of discretion table '{versions[0].Id}' was in force on {Day(date)}: the earliest takes effect on {Day(earliest)}. " +
            "A violation is judged by the 基准 in force when it was committed, and this definition does not carry that one");
    }

    private static TierView View(DiscretionTier tier) => new(Vocabulary.TierLevels[tier.Level], tier.Circumstances.ToList(), tier.When);

    private static string NoTier(DiscretionEntry entry) =>
        $"the facts place the case in no tier of '{entry.Id}'{(entry.EffectiveFrom is { } from ? $" (in force from {Day(from)})" : "")}; " +
        "record the facts that establish one of: " +
        string.Join("; ", entry.Tiers.Select(t => $"{Vocabulary.TierLevels[t.Level]}（{string.Join("、", t.Circumstances)}）{(t.When is null ? " [no selector]" : "")}"));

    private static ColumnAssessment Column(DiscretionColumn column, DiscretionTier? tier, JsonObject facts)
    {
        var band = tier?.Bands.FirstOrDefault(b => b.Column == column.Id)?.Band;
        string? baseKey = null;
        decimal? baseAmount = null;
        string? note = null;
        if (column.Statutory.Unit != BandUnit.Yuan)
        {
            // The column's form field first; a caller without forms may give the base under its name (工程合同价款).
            var candidates = new[] { column.Base, column.Statutory.Of }.OfType<string>().ToList();
            baseKey = candidates.FirstOrDefault(k => Number(facts, k) is not null) ?? candidates.FirstOrDefault();
            baseAmount = baseKey is null ? null : Number(facts, baseKey);
            if (baseAmount is < 0)
            {
                note = $"{column.Statutory.Of} ('{baseKey}') is negative ({baseAmount}); the yuan range needs the real amount";
                baseAmount = null;
            }
            else if (baseAmount is null)
                note = $"{column.Statutory.Of} is not among the facts{(baseKey is null ? "" : $" ('{baseKey}')")}; the range in yuan needs it";
        }
        return new ColumnAssessment(
            column.Id, column.Name, BandView.From(column.Statutory), band is null ? null : BandView.From(band),
            baseKey, baseAmount, AmountRange.In(column.Statutory, baseAmount), band is null ? null : AmountRange.In(band, baseAmount), note);
    }

    /// <summary>A fact as a number: a JSON number, or text that reads as one; null otherwise.</summary>
    internal static decimal? Number(JsonObject facts, string key)
    {
        if (facts[key] is not JsonValue value) return null;
        var text = value.GetValueKind() switch
        {
            JsonValueKind.Number => value.ToJsonString(),
            JsonValueKind.String => value.GetValue<string>(),
            _ => null,
        };
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;
    }

    internal static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
