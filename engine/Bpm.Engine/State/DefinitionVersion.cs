namespace Bpm.Engine.State;

public enum DefinitionState { Published, Suspended, Abolished }

/// <summary>
/// One published version of a power's definition. Immutable once stored, except for its lifecycle state:
/// cases are pinned to it by id.
/// </summary>
public sealed class DefinitionVersion
{
    public Guid Id { get; set; }
    public string PowerCode { get; set; } = "";
    public string PowerName { get; set; } = "";
    public string Category { get; set; } = "";
    /// <summary>实施主体: the department that implements the power and alone may deploy its versions.</summary>
    public string Subject { get; set; } = "";
    public int Version { get; set; }
    /// <summary>SHA-256 of the canonical JSON without layout (<c>ContentHash.Of</c>).</summary>
    public string ContentHash { get; set; } = "";
    public DefinitionState State { get; set; }
    /// <summary>Canonical JSON of the definition, layout left out: the semantics cases run on.</summary>
    public string Definition { get; set; } = "";
    /// <summary>Node positions as JSON, kept apart so a new layout never touches what cases run on.</summary>
    public string Layout { get; set; } = "{}";
    public DateTime PublishedAt { get; set; }
    public string PublishedBy { get; set; } = "";
    public DateTime StateChangedAt { get; set; }
}
