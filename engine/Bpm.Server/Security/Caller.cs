using System.Security.Claims;
using Bpm.Engine.Runtime;

namespace Bpm.Server.Security;

/// <summary>Who is calling, read from the token: the engine sees them as an <see cref="Actor"/>.</summary>
public sealed record Caller(string Id, string Name, string? Department, IReadOnlySet<string> Roles, IReadOnlyList<string> Posts)
{
    public static Caller From(ClaimsPrincipal user)
    {
        var id = user.FindFirstValue(BpmClaims.Subject) ?? throw new InvalidOperationException("an authenticated caller without 'sub'");
        return new Caller(
            id,
            user.FindFirstValue(BpmClaims.Name) ?? id,
            user.FindFirstValue(BpmClaims.Department),
            user.FindAll(BpmClaims.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
            user.FindAll(BpmClaims.Post).Select(c => c.Value).ToList());
    }

    public bool Is(string role) => Roles.Contains(role) || Roles.Contains(BpmRoles.Administrator);

    public bool IsAdministrator => Roles.Contains(BpmRoles.Administrator);

    /// <summary>
    /// Whether the caller's department is <paramref name="department"/> or a unit above it: 县住房和城乡建设局 covers
    /// 县住房和城乡建设局消防审查股 (units are named by extending their parent's name). Administrators cover all.
    /// </summary>
    public bool Covers(string? department) =>
        IsAdministrator || Department is { Length: > 0 } mine && department is not null && department.StartsWith(mine, StringComparison.Ordinal);

    /// <summary>
    /// The engine actor. Handlers act for their department, which the engine enforces on every work item;
    /// administrators act without one (they may act on any department's items).
    /// </summary>
    public Actor Actor => new(Id, Name, IsAdministrator ? null : Department);
}
