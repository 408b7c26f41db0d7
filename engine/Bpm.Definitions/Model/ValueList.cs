using System.Collections;

namespace Bpm.Definitions.Model;

/// <summary>An immutable list with value equality, so definition records compare by content.</summary>
public sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[] _items;

    public static readonly ValueList<T> Empty = new([]);

    public ValueList(IEnumerable<T> items) => _items = items.ToArray();

    public T this[int index] => _items[index];
    public int Count => _items.Length;
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public bool Equals(ValueList<T>? other) =>
        other is not null && _items.AsSpan().SequenceEqual(other._items, EqualityComparer<T>.Default);

    public override bool Equals(object? obj) => obj is ValueList<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items) hash.Add(item);
        return hash.ToHashCode();
    }

    public override string ToString() => $"[{string.Join(", ", _items)}]";
}

public static class ValueList
{
    public static ValueList<T> Of<T>(params T[] items) => items.Length == 0 ? ValueList<T>.Empty : new ValueList<T>(items);
    public static ValueList<T> ToValueList<T>(this IEnumerable<T> items) => new(items);
}
