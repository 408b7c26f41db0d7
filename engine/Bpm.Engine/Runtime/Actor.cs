namespace Bpm.Engine.Runtime;

/// <summary>Who issues a command: a handler, an applicant, an administrator, or the engine itself.</summary>
public sealed record Actor(string Id, string? Name = null, string? Department = null)
{
    public static readonly Actor System = new("system", "系统");
}
