namespace Bpm.Definitions.Diffing;

/// <summary>Collects changes while two definitions are walked, and orders them once at the end.</summary>
internal sealed class ChangeList
{
    private readonly List<DefinitionChange> _changes = [];

    public void Added(string area, string key, string after, string summary) =>
        _changes.Add(new DefinitionChange(ChangeKind.Added, area, key, null, after, summary));

    public void Removed(string area, string key, string before, string summary) =>
        _changes.Add(new DefinitionChange(ChangeKind.Removed, area, key, before, null, summary));

    public void Changed(string area, string key, string? before, string? after, string summary) =>
        _changes.Add(new DefinitionChange(ChangeKind.Changed, area, key, before, after, summary));

    /// <summary>
    /// A property of something present on both sides (a node, a flow, a tier): reported as changed when its
    /// text differs, even from or to absent, because the thing itself was neither added nor removed.
    /// </summary>
    public void Property(string area, string key, string subject, string property, string? before, string? after)
    {
        if (before == after) return;
        Changed(area, key, before, after, $"{subject}: {property} {before ?? "(none)"} → {after ?? "(none)"}");
    }

    /// <summary>
    /// A value whose key names it (a case limit, a power fact, a supervision setting): absent → present is an
    /// addition, present → absent a removal.
    /// </summary>
    public void Value(string area, string key, string label, string? before, string? after)
    {
        if (before == after) return;
        if (before is null) Added(area, key, after!, $"{label} added: {after}");
        else if (after is null) Removed(area, key, before, $"{label} removed (was {before})");
        else Changed(area, key, before, after, $"{label}: {before} → {after}");
    }

    /// <summary>Ordered by area then key (ordinal), keeping the walk's order among one key's changes.</summary>
    public DefinitionChanges Build() => _changes.Count == 0
        ? DefinitionChanges.None
        : new DefinitionChanges(_changes
            .OrderBy(c => c.Area, StringComparer.Ordinal)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .ToList());
}

/// <summary>Pairs up the items of two lists by a key, so each side's item is compared with its counterpart.</summary>
internal static class KeyedMatch
{
    /// <summary>
    /// Every key of either side with its item before and after (null where missing). A key written twice on one
    /// side (an invalid draft can do that) gets "#2", "#3" … so nothing is lost and nothing throws.
    /// </summary>
    public static IReadOnlyList<(string Key, T? Before, T? After)> Pair<T>(IEnumerable<T> before, IEnumerable<T> after, Func<T, string> key)
        where T : class => Pair(before, after, key, key);

    /// <summary>As above, with a key function for each side (when how an item is known depends on its neighbours).</summary>
    public static IReadOnlyList<(string Key, T? Before, T? After)> Pair<T>(
        IEnumerable<T> before, IEnumerable<T> after, Func<T, string> keyBefore, Func<T, string> keyAfter)
        where T : class
    {
        var left = Unique(before, keyBefore);
        var right = Unique(after, keyAfter);
        var rightByKey = right.ToDictionary(r => r.Key, r => r.Item, StringComparer.Ordinal);
        var leftKeys = left.Select(l => l.Key).ToHashSet(StringComparer.Ordinal);
        var pairs = left.Select(l => (l.Key, (T?)l.Item, rightByKey.GetValueOrDefault(l.Key))).ToList();
        pairs.AddRange(right.Where(r => !leftKeys.Contains(r.Key)).Select(r => (r.Key, (T?)null, (T?)r.Item)));
        return pairs;
    }

    private static List<(string Key, T Item)> Unique<T>(IEnumerable<T> items, Func<T, string> key)
    {
        var result = new List<(string Key, T Item)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var k = key(item);
            for (var n = 2; !seen.Add(k); n++) k = $"{key(item)}#{n}";
            result.Add((k, item));
        }
        return result;
    }
}
