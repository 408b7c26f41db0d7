using Bpm.Definitions.Diagnostics;
using Bpm.Definitions.Model;

namespace Bpm.Definitions.Validation;

/// <summary>
/// 行政处罚裁量基准 (domain.md §5, rules 17–18): tiers ordered, contiguous, inside the statutory range; and the step
/// that decides the fine (a task's <c>discretion</c> block) names a table, form fields and a 法制审核 step that exist.
/// </summary>
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
        CheckBindings(context);
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

    // ---- the step that decides the fine ----

    private static void CheckBindings(ValidationContext context)
    {
        var definition = context.Definition;
        var fields = new Dictionary<string, FormField>(StringComparer.Ordinal);
        foreach (var task in context.AllNodes.Select(n => n.Node).OfType<TaskNode>())
            foreach (var field in task.Form) fields.TryAdd(field.Key, field);

        // A column's base, whether or not a step enforces its table.
        for (var e = 0; e < definition.Discretion.Count; e++)
            for (var c = 0; c < definition.Discretion[e].Columns.Count; c++)
            {
                var column = definition.Discretion[e].Columns[c];
                if (column.Base is not { } key) continue;
                var path = $"/discretion/{e}/columns/{c}/base";
                if (column.Statutory.Unit == BandUnit.Yuan)
                    context.Report(Codes.ColumnBase,
                        $"column '{column.Id}' is in 元, an amount; 'base' names the amount a 倍 or % range multiplies, so remove it", path);
                else
                    CheckField(context, fields, key, path, null, $"the base of column '{column.Id}' ({column.Statutory.Of})", FieldType.Number, FieldType.Money);
            }

        var enforced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var indexed in context.AllNodes)
        {
            if (indexed.Node is not TaskNode { Discretion: { } binding } task) continue;
            var path = indexed.Path + "/discretion";
            var tables = definition.Discretion.Where(d => d.Id == binding.Table).ToList();
            if (tables.Count == 0)
            {
                var ids = definition.Discretion.Select(d => d.Id).Distinct().ToList();
                context.Report(Codes.UnknownDiscretionTable,
                    $"step '{task.Id}' decides a fine under discretion table '{binding.Table}', which does not exist" +
                    (ids.Count > 0 ? $" (tables: {string.Join(", ", ids)})" : "; add the table under 'discretion'"), path + "/table", task.Id);
            }
            else enforced.Add(binding.Table);

            CheckField(context, fields, binding.Amount, path + "/amount", task.Id, "the fine amount", FieldType.Number, FieldType.Money);
            CheckField(context, fields, binding.ViolationDate, path + "/violationDate", task.Id, "the violation date", FieldType.Date);
            if (binding.Column is { } columnKey)
            {
                var field = CheckField(context, fields, columnKey, path + "/column", task.Id, "the column", FieldType.Choice, FieldType.String);
                if (field is { Type: FieldType.Choice })
                    foreach (var table in tables)
                        foreach (var option in field.Options.Where(o => !table.Columns.Any(c => c.Id == o || c.Name == o)))
                            context.Report(Codes.DiscretionColumnUnresolved,
                                $"option '{option}' of field '{columnKey}' names no column of discretion table '{table.Id}' ({string.Join(", ", table.Columns.Select(c => $"{c.Id} {c.Name}"))}); use a column's id or name",
                                path + "/column", task.Id);
            }
            else if (tables.FirstOrDefault(t => t.Columns.Count > 1) is { } several)
                context.Report(Codes.DiscretionColumnUnresolved,
                    $"discretion table '{several.Id}' has {several.Columns.Count} columns ({string.Join(", ", several.Columns.Select(c => c.Name))}); name the form field that says which applies in 'column'",
                    path, task.Id);
            if (binding.Grounds is { } grounds)
                CheckField(context, fields, grounds, path + "/grounds", task.Id, "the 从轻/从重 grounds", FieldType.Text, FieldType.String);
            if (binding.Mitigation is { } mitigation)
                CheckField(context, fields, mitigation, path + "/mitigation", task.Id, "the 行政处罚法第三十二条 ground", FieldType.Text, FieldType.String);
            if (binding.LegalReview is { } review)
            {
                if (!context.NodesById.TryGetValue(review, out var reviewNode))
                    context.Report(Codes.MissingNode, $"step '{task.Id}' names '{review}' as its 法制审核 step, which does not exist", path + "/legalReview", task.Id);
                else if (reviewNode.Node is not TaskNode)
                    context.Report(Codes.LegalReviewNotTask,
                        $"the 法制审核 step of '{task.Id}' must be a handler's task whose approval is on record, but '{review}' is {GraphRules.Kind(reviewNode.Node)}",
                        path + "/legalReview", task.Id);
            }
        }

        // What the engine needs of a table it enforces: a selector on every tier, a base for every 倍/% column.
        for (var e = 0; e < definition.Discretion.Count; e++)
        {
            var entry = definition.Discretion[e];
            if (!enforced.Contains(entry.Id)) continue;
            for (var t = 0; t < entry.Tiers.Count; t++)
                if (entry.Tiers[t].When is null)
                    context.Report(Codes.TierWithoutSelector,
                        $"tier {Vocabulary.TierLevels[entry.Tiers[t].Level]} of '{entry.Id}' has no 'when': a step decides fines under this table, and a case is placed in a tier only by its selector; add a condition over the case data",
                        $"/discretion/{e}/tiers/{t}");
            for (var c = 0; c < entry.Columns.Count; c++)
            {
                var column = entry.Columns[c];
                if (column.Statutory.Unit != BandUnit.Yuan && column.Base is null && !string.IsNullOrWhiteSpace(column.Statutory.Of))
                    context.Report(Codes.ColumnBase,
                        $"column '{column.Id}' is in {Vocabulary.BandUnits[column.Statutory.Unit]} of {column.Statutory.Of}: a step decides fines under this table, so name the form field holding {column.Statutory.Of} in 'base'",
                        $"/discretion/{e}/columns/{c}");
            }
        }
    }

    /// <summary>The form field a key names, reported when no step declares it or its type does not fit its role.</summary>
    private static FormField? CheckField(ValidationContext context, Dictionary<string, FormField> fields, string key, string path, string? nodeId, string role, params FieldType[] types)
    {
        if (!fields.TryGetValue(key, out var field))
        {
            context.Report(Codes.DiscretionFieldUnknown, $"{role} is read from data.{key}, but no form declares a field with key '{key}'", path, nodeId);
            return null;
        }
        if (!types.Contains(field.Type))
            context.Report(Codes.DiscretionFieldType,
                $"{role} is read from field '{key}', which is {Vocabulary.FieldTypes[field.Type]}; it must be {string.Join(" or ", types.Select(t => Vocabulary.FieldTypes[t]))}",
                path, nodeId);
        return field;
    }
}
