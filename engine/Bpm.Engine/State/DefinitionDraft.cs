namespace Bpm.Engine.State;

/// <summary>
/// An uploaded definition text not (yet) published: what an analyst drew or a department's CLI sent, kept with
/// its validation summary so it can be reviewed, compared with the published version and published later.
/// </summary>
public sealed class DefinitionDraft
{
    public Guid Id { get; set; }
    /// <summary>The power code the text declares ("" when it could not be read that far).</summary>
    public string PowerCode { get; set; } = "";
    /// <summary>实施主体 the text declares: the department that may publish it.</summary>
    public string Subject { get; set; } = "";
    /// <summary>"yaml" or "json".</summary>
    public string Format { get; set; } = "";
    public string Text { get; set; } = "";
    public int Errors { get; set; }
    public int Warnings { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    /// <summary>The version publishing this draft produced (or found unchanged); null until published.</summary>
    public int? PublishedVersion { get; set; }
    public DateTime? PublishedAt { get; set; }
}
