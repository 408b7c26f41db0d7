namespace Bpm.Server.Security;

/// <summary>The server's roles (token claim <c>role</c>). An administrator may do everything any role may.</summary>
public static class BpmRoles
{
    public const string Analyst = "analyst";         // drafts and validates definitions
    public const string Deployer = "deployer";       // publishes, suspends, abolishes their own department's powers
    public const string Handler = "handler";         // works the items of their own department
    public const string Supervisor = "supervisor";   // reads everything, opens and closes 督办, never changes cases
    public const string Administrator = "administrator";

    public static readonly IReadOnlyList<string> All = [Analyst, Deployer, Handler, Supervisor, Administrator];
}

/// <summary>The claim names of a BpmServer token (development tokens and an OIDC provider's alike).</summary>
public static class BpmClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Role = "role";
    /// <summary>The caller's department (e.g. 县住房和城乡建设局消防审查股): it scopes what a handler or deployer reaches.</summary>
    public const string Department = "dept";
    /// <summary>Posts (岗位) such as 消防审查员; when present, a handler's inbox shows only items for those posts.</summary>
    public const string Post = "post";
}
