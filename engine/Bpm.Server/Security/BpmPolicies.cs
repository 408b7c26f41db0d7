using Microsoft.AspNetCore.Authorization;

namespace Bpm.Server.Security;

/// <summary>One authorization policy per role (named as the role); an administrator satisfies each.</summary>
public static class BpmPolicies
{
    public static void Add(AuthorizationOptions options)
    {
        foreach (var role in BpmRoles.All)
            options.AddPolicy(role, policy => policy.RequireAuthenticatedUser().RequireAssertion(context =>
                context.User.HasClaim(BpmClaims.Role, role) || context.User.HasClaim(BpmClaims.Role, BpmRoles.Administrator)));
        // Anyone who works with cases: handlers read their department's, supervisors everyone's.
        options.AddPolicy(CaseReader, policy => policy.RequireAuthenticatedUser().RequireAssertion(context =>
            new[] { BpmRoles.Handler, BpmRoles.Supervisor, BpmRoles.Administrator }.Any(r => context.User.HasClaim(BpmClaims.Role, r))));
        options.AddPolicy(DefinitionAuthor, policy => policy.RequireAuthenticatedUser().RequireAssertion(context =>
            new[] { BpmRoles.Analyst, BpmRoles.Deployer, BpmRoles.Administrator }.Any(r => context.User.HasClaim(BpmClaims.Role, r))));
        options.AddPolicy(DefinitionReader, policy => policy.RequireAuthenticatedUser());
        // 电子监察 reads: supervisors everything, a department's handlers and deployers their own department.
        options.AddPolicy(SupervisionReader, policy => policy.RequireAuthenticatedUser().RequireAssertion(context =>
            new[] { BpmRoles.Handler, BpmRoles.Deployer, BpmRoles.Supervisor, BpmRoles.Administrator }.Any(r => context.User.HasClaim(BpmClaims.Role, r))));
    }

    public const string CaseReader = "case-reader";
    public const string DefinitionAuthor = "definition-author";
    public const string DefinitionReader = "definition-reader";
    public const string SupervisionReader = "supervision-reader";
}
