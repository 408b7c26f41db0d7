namespace Bpm.Definitions.Diffing;

public enum ChangeKind { Added, Removed, Changed }

/// <summary>
/// One semantic difference between two versions of a definition.
/// </summary>
/// <param name="Area">What part of the definition: one of <see cref="ChangeAreas"/>.</param>
/// <param name="Key">
/// What changed within the area: a node id; <c>from→to[on]</c> for a flow; <c>entryId/轻微</c> for a tier;
/// <c>entryId/columnId</c> for a column; a property name (<c>name</c>, <c>basis/法名</c>, <c>guide/result</c>)
/// for the power, the limits and supervision. Several changes may share a key (one per property).
/// </param>
/// <param name="Before">The old value as text; null when it was added or absent.</param>
/// <param name="After">The new value as text; null when it was removed or is absent.</param>
/// <param name="Summary">One readable line saying what changed.</param>
public sealed record DefinitionChange(ChangeKind Kind, string Area, string Key, string? Before, string? After, string Summary);

/// <summary>All changes between two versions, ordered by area then key.</summary>
public sealed record DefinitionChanges(IReadOnlyList<DefinitionChange> Changes)
{
    public static readonly DefinitionChanges None = new([]);

    public bool IsEmpty => Changes.Count == 0;
}

/// <summary>The values of <see cref="DefinitionChange.Area"/>.</summary>
public static class ChangeAreas
{
    public const string Power = "power";
    public const string Limits = "limits";
    public const string Node = "node";
    public const string Flow = "flow";
    public const string SpecialProcedure = "special-procedure";
    /// <summary>A discretion table as a whole: added, removed, its violation, basis, effective date, measures.</summary>
    public const string Discretion = "discretion";
    public const string DiscretionTier = "discretion-tier";
    public const string DiscretionColumn = "discretion-column";
    public const string Template = "template";
    public const string Supervision = "supervision";
}
