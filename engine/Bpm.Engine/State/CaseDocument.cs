namespace Bpm.Engine.State;

/// <summary>A document or notice a service node rendered from a definition's template.</summary>
public sealed class CaseDocument
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public string NodeId { get; set; } = "";
    public string TemplateId { get; set; } = "";
    public string Name { get; set; } = "";
    /// <summary>"applicant" or "department" for notices; null for documents kept on file.</summary>
    public string? Recipient { get; set; }
    public string Body { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}
