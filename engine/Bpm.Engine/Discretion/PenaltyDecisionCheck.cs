using Bpm.Engine.Runtime;

namespace Bpm.Engine.Discretion;

/// <summary>What is on record for a fine that leaves its tier's band.</summary>
public sealed record DecisionGrounds
{
    /// <summary>The recorded 从轻 or 从重 grounds (裁量理由) for a fine below or above the tier's band.</summary>
    public string? Grounds { get; init; }

    /// <summary>The 行政处罚法第三十二条 circumstance a 减轻 below the statutory minimum rests on.</summary>
    public string? Mitigation { get; init; }

    /// <summary>The approving 法制审核 a 减轻 below the statutory minimum also needs; null when there is none.</summary>
    public LegalReviewRecord? LegalReview { get; init; }
}

/// <summary>A completed, approving 法制审核 step of the case.</summary>
public sealed record LegalReviewRecord(string NodeId, string? Handler, DateTime At, string Outcome);

/// <summary>
/// A fine that passed the rule-17 check, as the journal keeps it: the table version and tier, the column, the
/// amount against the band and the statutory range, and, when it leaves the band, the adjustment and its grounds.
/// </summary>
/// <param name="Adjustment">Null inside the tier's band; 从轻 below it, 从重 above it, 减轻 below the statutory minimum.</param>
public sealed record PenaltyDecision(
    string Table,
    DateOnly? EffectiveFrom,
    DateOnly ViolationDate,
    string Tier,
    string Column,
    string ColumnName,
    decimal Amount,
    BandView Band,
    AmountRange BandAmount,
    BandView Statutory,
    AmountRange StatutoryAmount,
    string? Adjustment,
    string? Grounds,
    string? Mitigation,
    LegalReviewRecord? LegalReview);

/// <summary>
/// Rule 17: a 处罚决定's fine must fall inside the tier band of the 基准 in force on the violation date. Inside the
/// statutory range but outside the band it needs recorded 从轻 (below) or 从重 (above) grounds; below the statutory
/// minimum it is only possible as 减轻, with a 行政处罚法第三十二条 ground and an approving 法制审核; above the statutory
/// maximum it is always refused.
/// </summary>
public static class PenaltyDecisionCheck
{
    public const string Lighter = "从轻";
    public const string Heavier = "从重";
    public const string Mitigated = "减轻";

    /// <summary>Accepts the fine, saying how it relates to the band, or refuses it.</summary>
    /// <param name="column">The column the party falls in, by id or name (建设单位).</param>
    /// <param name="amount">The decided fine in yuan.</param>
    /// <exception cref="CommandRejectedException">
    /// <c>no-tier-matches</c>, <c>unknown-discretion-column</c>, <c>discretion-base-missing</c>, <c>fine-negative</c>,
    /// <c>fine-above-statutory-maximum</c>, <c>fine-outside-band</c>, <c>mitigation-needs-ground</c> or
    /// <c>mitigation-needs-legal-review</c>.
    /// </exception>
    public static PenaltyDecision Check(Assessment assessment, string column, decimal amount, DecisionGrounds grounds)
    {
        if (assessment.Tier is not { } tier)
            throw new CommandRejectedException("no-tier-matches", assessment.Message ?? $"the facts place the case in no tier of '{assessment.Table}'");
        var assessed = assessment.Column(column)
            ?? throw new CommandRejectedException("unknown-discretion-column",
                $"'{column}' is not a column of discretion table '{assessment.Table}'; use one of: {string.Join(", ", assessment.Columns.Select(c => $"{c.Id} ({c.Name})"))}");
        if (assessed.Band is not { } band || assessed.BandAmount is not { } bandAmount || assessed.StatutoryAmount is not { } statutory)
            throw new CommandRejectedException("discretion-base-missing",
                $"the {assessed.Name} band of tier {tier.Level} is {assessed.Band?.Text ?? assessed.Statutory.Text}; to check a fine in yuan " +
                (assessed.Note ?? $"the case needs {assessed.Statutory.Of}"));
        if (amount < 0) throw new CommandRejectedException("fine-negative", $"a fine cannot be negative ({Yuan(amount)})");

        var place = $"罚款 {Yuan(amount)} ({assessed.Name}, tier {tier.Level}: band {bandAmount}{Of(band)}, statutory range {statutory}{Of(assessed.Statutory)})";
        if (amount > statutory.Max)
            throw new CommandRejectedException("fine-above-statutory-maximum",
                $"{place} is above the statutory maximum of {assessment.Basis}; no grounds allow a fine above it");

        string? adjustment = null;
        if (amount < statutory.Min)
        {
            adjustment = Mitigated;
            if (Blank(grounds.Mitigation))
                throw new CommandRejectedException("mitigation-needs-ground",
                    $"{place} is below the statutory minimum: only 减轻 allows that, and it needs a 行政处罚法第三十二条 ground on record");
            if (grounds.LegalReview is null)
                throw new CommandRejectedException("mitigation-needs-legal-review",
                    $"{place} is below the statutory minimum: 减轻 also needs an approving 法制审核 on record");
        }
        else if (amount < bandAmount.Min) adjustment = Lighter;
        else if (amount > bandAmount.Max) adjustment = Heavier;
        if (adjustment is Lighter or Heavier && Blank(grounds.Grounds))
            throw new CommandRejectedException("fine-outside-band",
                $"{place} is {(adjustment == Lighter ? "below" : "above")} the band of tier {tier.Level}: record the {adjustment} grounds, or decide a fine within {bandAmount}");

        return new PenaltyDecision(
            assessment.Table, assessment.EffectiveFrom, assessment.ViolationDate, tier.Level, assessed.Id, assessed.Name, amount,
            band, bandAmount, assessed.Statutory, statutory, adjustment,
            Blank(grounds.Grounds) ? null : grounds.Grounds!.Trim(),
            adjustment == Mitigated ? grounds.Mitigation!.Trim() : null,
            adjustment == Mitigated ? grounds.LegalReview : null);
    }

    private static bool Blank(string? text) => string.IsNullOrWhiteSpace(text);

    private static string Yuan(decimal amount) => $"{AmountRange.Format(amount)} 元";

    private static string Of(BandView band) => band.Unit == "元" ? "" : $" = {band.Text}";
}
