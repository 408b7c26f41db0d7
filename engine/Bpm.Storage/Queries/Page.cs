namespace Bpm.Storage.Queries;

/// <summary>One page of a list with a stable order, and how many rows the whole list has.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int Number, int Size)
{
    public const int MaxSize = 200;

    public static (int Number, int Size) Clamp(int? number, int? size) =>
        (Math.Max(1, number ?? 1), Math.Clamp(size ?? 50, 1, MaxSize));
}
