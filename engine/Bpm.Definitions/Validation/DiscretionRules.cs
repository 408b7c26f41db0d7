using Bpm.Definitions.Diagnostics;
using Bpm.Definitions.Model;

namespace Bpm.Definitions.Validation;

/// <summary>行政处罚裁量基准 (domain.md §5, rules 17–18): tiers ordered, contiguous, inside the statutory range.</summary>
public sealed class DiscretionRules : IDefinitionRule
{
    private const int MinimumTiers = 3;

    public void Check(ValidationContext context)
    {
        var definition = context.Definition;
        var penalty = definition.Power.Category == PowerCategory.Penalty;
        if (penalty && definition.Discretion.Count == 0)
            context.Report(Codes.PenaltyWithoutDiscretion,
                "a 行政处罚 should publish its 裁量基准 (行政处罚法第三十四条); add a discretion table", "/power/category");

        var seen = new HashSet<(string, DateOnly?)>();
        for (var e = 0; e < definition.Discretion.Count; e++)
        {
            var entry = definition.Discretion[e];
            var path = $"/discretion/{e}";
            if (!penalty)
                context.Report(Codes.DiscretionOnNonPenalty,
                    $"discretion table '{entry.Id}' belongs to penalties, but this power is a {Vocabulary.Categories[definition.Power.Category]}", path);
            if (!seen.Add((entry.Id, entry.EffectiveFrom)))
                context.Report(Codes.DuplicateDiscretion,
                    $"discretion table '{entry.Id}' effective from {entry.EffectiveFrom?.ToString("yyyy-MM-dd") ?? "(no date)"} is defined twice; give a later version its own effectiveFrom", path + "/id");
            CheckEntry(context, entry, path);
        }
    }

    private static void CheckEntry(ValidationContext context, DiscretionEntry entry, string path)
    {
        var columns = new Dictionary<string, (DiscretionColumn Column, int Index)>(StringComparer.Ordinal);
        for (var c = 0; c < entry.Columns.Count; c++)
        {
            var column = entry.Columns[c];
            if (!columns.TryAdd(column.Id, (column, c)))
                context.Report(Codes.DuplicateDiscretion, $"column '{column.Id}' appears twice in '{entry.Id}'", $"{path}/columns/{c}/id");
            CheckBand(context, column.Statutory, $"{path}/columns/{c}/statutory", "the statutory range");
        }

        if (entry.Tiers.Count < MinimumTiers)
            context.Report(Codes.TooFewTiers,
                $"'{entry.Id}' has {entry.Tiers.Count} tier(s); a fine range should be divided into at least {MinimumTiers} 阶次 (轻微/一般/严重 or more)", path + "/tiers");

        var levels = new HashSet<TierLevel>();
        for (var t = 0; t < entry.Tiers.Count; t++)
        {
            var tier = entry.Tiers[t];
            var tierPath = $"{path}/tiers/{t}";
            if (!levels.Add(tier.Level))
                context.Report(Codes.DuplicateTier, $"tier {Vocabulary.TierLevels[tier.Level]} appears twice in '{entry.Id}'", tierPath + "/level");
            else if (t > 0 && tier.Level <= entry.Tiers[t - 1].Level)
                context.Report(Codes.TiersOutOfOrder,
                    $"tier {Vocabulary.TierLevels[tier.Level]} comes after {Vocabulary.TierLevels[entry.Tiers[t - 1].Level]}; list tiers from 轻微 to 严重", tierPath + "/level");
            if (tier.When is not null) ExpressionCheck.Check(context, tier.When, tierPath + "/when", null);

            foreach (var band in tier.Bands)
            {
                var bandPath = $"{tierPath}/bands/{band.Column.Replace("~", "~0").Replace("/", "~1")}";
                if (!columns.TryGetValue(band.Column, out var column))
                {
                    context.Report(Codes.BandColumnMismatch,
                        $"tier {Vocabulary.TierLevels[tier.Level]} has a band for '{band.Column}', which is not a column of '{entry.Id}' ({string.Join(", ", columns.Keys)})", bandPath);
                    continue;
                }
                if (!CheckBand(context, band.Band, bandPath, "a band")) continue;
                var statutory = column.Column.Statutory;
                if (band.Band.Unit != statutory.Unit || band.Band.Of != statutory.Of)
                    context.Report(Codes.BandUnitMismatch,
                        $"band {band.Band} must be in the unit of column '{band.Column}''s statutory range ({statutory}) to be comparable", bandPath);
                else if (band.Band.Min < statutory.Min || band.Band.Max > statutory.Max)
                    context.Report(Codes.BandOutsideStatutory,
                        $"band {band.Band} of tier {Vocabulary.TierLevels[tier.Level]} leaves the statutory range {statutory}; 减轻 below the minimum is a recorded ground, not a tier, and above the maximum is never allowed",
                        bandPath);
            }
            foreach (var missing in columns.Keys.Where(id => tier.Bands.All(b => b.Column != id)))
                context.Report(Codes.BandColumnMismatch, $"tier {Vocabulary.TierLevels[tier.Level]} has no band for column '{missing}'", tierPath + "/bands");
        }

        // Adjacent tiers, column by column, in the order they are written.
        foreach (var (id, (column, _)) in columns)
        {
            ColumnBand? previous = null;
            DiscretionTier? previousTier = null;
            foreach (var (tier, t) in entry.Tiers.Select((tier, t) => (tier, t)))
            {
                var current = tier.Bands.FirstOrDefault(b => b.Column == id);
                if (current is null || current.Band.Unit != column.Statutory.Unit || current.Band.Of != column.Statutory.Of || current.Band.Min > current.Band.Max) continue;
                if (previous is not null)
                {
                    var (a, b) = (previous.Band, current.Band);
                    var at = $"{path}/tiers/{t}/bands/{id}";
                    var names = $"{Vocabulary.TierLevels[previousTier!.Level]} ({a}) and {Vocabulary.TierLevels[tier.Level]} ({b})";
                    if (b.Max < a.Max || b.Min < a.Min && b.Max <= a.Min)
                        context.Report(Codes.TiersOutOfOrder, $"in column '{id}' the band falls as the tier rises: {names}; a heavier tier needs a higher band", at);
                    else if (b.Min < a.Max)
                        context.Report(Codes.TiersOverlap, $"in column '{id}' tiers {names} overlap; the heavier tier should start where the lighter one ends ({a.Max})", at);
                    else if (b.Min > a.Max)
                        context.Report(Codes.TiersGap, $"in column '{id}' there is a gap between {names}: amounts between {a.Max} and {b.Min} fall in no tier", at);
                }
                previous = current;
                previousTier = tier;
            }
        }
    }

    /// <summary>Checks one band on its own; false when it is too broken to compare with others.</summary>
    private static bool CheckBand(ValidationContext context, Band band, string path, string what)
    {
        var ok = true;
        if (band.Min > band.Max)
        {
            context.Report(Codes.BandInverted, $"{what} {band.Min}–{band.Max} has its minimum above its maximum", path);
            ok = false;
        }
        if (band.Min < 0)
        {
            context.Report(Codes.BandInverted, $"{what} cannot start below zero ({band.Min})", path + "/min");
            ok = false;
        }
        if (band.Unit is BandUnit.Times or BandUnit.Percent && string.IsNullOrWhiteSpace(band.Of))
        {
            context.Report(Codes.BandBase, $"{what} in {Vocabulary.BandUnits[band.Unit]} needs 'of': the base it multiplies (违法所得, 工程合同价款 …)", path);
            ok = false;
        }
        if (band.Unit == BandUnit.Yuan && band.Of is not null)
            context.Report(Codes.BandBase, $"{what} in 元 is an amount; remove 'of: {band.Of}' or use unit 倍 or %", path + "/of");
        return ok;
    }
}
