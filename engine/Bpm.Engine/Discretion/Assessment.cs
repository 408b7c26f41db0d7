using System.Globalization;
using System.Text.Json.Nodes;
using Bpm.Definitions.Model;

namespace Bpm.Engine.Discretion;

/// <summary>
/// What <c>POST /api/discretion/assess</c> asks: which 裁量基准 applies to a violation, given the facts of the case
/// (the form data the tiers' <c>when</c> selectors read as <c>data</c>) and the date of the violation.
/// </summary>
/// <param name="PowerCode">The power whose definition carries the table; the caller loads that definition.</param>
/// <param name="Violation">The table's id (<c>unlicensed-construction</c>) or its violation text (未取得施工许可证擅自施工).</param>
/// <param name="Facts">The case facts by form key (<c>area</c>, <c>contractPrice</c> …); a 倍/% base may also be given under its <c>of</c> name.</param>
/// <param name="ViolationDate">When the violation happened: the table version in force on that day applies.</param>
public sealed record AssessmentRequest(string PowerCode, string Violation, JsonObject Facts, DateOnly ViolationDate)
{
    /// <summary>The definition version to assess against; null for the newest (the caller resolves it).</summary>
    public int? Version { get; init; }
}

/// <summary>
/// A table applied to one case: the version in force on the violation date, the tier the facts place the case in
/// (<see cref="Tier"/> null when none matches, with <see cref="Message"/> saying so), and per column the statutory
/// range and the tier's band, in the table's unit and, where the base is known, in yuan.
/// </summary>
/// <param name="Table">The table's id.</param>
/// <param name="EffectiveFrom">The first day of the version applied (null: the table carries no date).</param>
/// <param name="Tier">The tier the facts select: the highest whose <c>when</c> holds; null when none does.</param>
/// <param name="MatchingTiers">Every tier whose <c>when</c> holds, lowest first (the highest of them is <see cref="Tier"/>).</param>
/// <param name="Columns">Each column's statutory range and the selected tier's band.</param>
/// <param name="Tiers">Every tier of the version with its circumstances, as the published 基准 lists them.</param>
/// <param name="Message">Why no tier was selected; null when one was.</param>
public sealed record Assessment(
    string PowerCode,
    string Table,
    string Violation,
    string? Violates,
    string Basis,
    DateOnly? EffectiveFrom,
    DateOnly ViolationDate,
    IReadOnlyList<string> Measures,
    TierView? Tier,
    IReadOnlyList<string> MatchingTiers,
    IReadOnlyList<ColumnAssessment> Columns,
    IReadOnlyList<TierView> Tiers,
    string? Message)
{
    /// <summary>True when the facts place the case in a tier.</summary>
    public bool TierFound => Tier is not null;

    /// <summary>A column by id or by name (建设单位), or null.</summary>
    public ColumnAssessment? Column(string idOrName) =>
        Columns.FirstOrDefault(c => c.Id == idOrName) ?? Columns.FirstOrDefault(c => c.Name == idOrName);
}

/// <summary>One tier of a table: its level (轻微 一般 较重 严重), the circumstances it covers and its selector.</summary>
public sealed record TierView(string Level, IReadOnlyList<string> Circumstances, string? When);

/// <summary>
/// One column of an assessed table. <see cref="StatutoryAmount"/> and <see cref="BandAmount"/> are the ranges in
/// yuan: as written for a 元 column, computed from <see cref="BaseAmount"/> for 倍 and %, null when the base is
/// not among the facts (then <see cref="Note"/> says which fact is missing).
/// </summary>
/// <param name="Band">The selected tier's band; null when no tier matches.</param>
/// <param name="Base">Where the base was looked for: the column's form key (its <c>base</c>) or its <c>of</c> name.</param>
public sealed record ColumnAssessment(
    string Id,
    string Name,
    BandView Statutory,
    BandView? Band,
    string? Base,
    decimal? BaseAmount,
    AmountRange? StatutoryAmount,
    AmountRange? BandAmount,
    string? Note);

/// <summary>A band as the table writes it: unit 元, 倍 or %, of a named base.</summary>
public sealed record BandView(decimal Min, decimal Max, string Unit, string? Of, string Text)
{
    public static BandView From(Band band) => new(band.Min, band.Max, Vocabulary.BandUnits[band.Unit], band.Of, band.ToString());
}

/// <summary>
/// A fine range in yuan. Computed bounds are whole 分: the minimum rounded up, the maximum rounded down, so every
/// amount in the range lies inside the exact band and every whole-分 amount of the band is in the range.
/// </summary>
public sealed record AmountRange(decimal Min, decimal Max)
{
    public bool Contains(decimal amount) => amount >= Min && amount <= Max;

    public override string ToString() => $"{Format(Min)}–{Format(Max)} 元";

    internal static string Format(decimal yuan) => (yuan / 1.00000000000000000000m).ToString("#,0.##", CultureInfo.InvariantCulture);

    internal static AmountRange? In(Band band, decimal? baseAmount)
    {
        if (band.Unit == BandUnit.Yuan) return new AmountRange(band.Min, band.Max);
        if (baseAmount is not { } amount) return null;
        try
        {
            return band.Unit == BandUnit.Times
                ? Rounded(band.Min * amount, band.Max * amount)
                : Rounded(band.Min * amount / 100m, band.Max * amount / 100m);
        }
        catch (OverflowException)
        {
            return null; // a base beyond any real amount: no range in yuan
        }
    }

    private static AmountRange Rounded(decimal min, decimal max) =>
        new(Math.Ceiling(min * 100m) / 100m, Math.Floor(max * 100m) / 100m);
}
