using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bpm.Server.Security;

/// <summary>A user a token is minted for.</summary>
public sealed record TokenUser(string Id, string Name, string? Department, IReadOnlyList<string> Roles, IReadOnlyList<string>? Posts = null);

/// <summary>Mints HS256 tokens the server accepts (development and tests; production uses an OIDC authority).</summary>
public sealed class TokenIssuer(byte[] key, string issuer = TokenIssuer.DefaultIssuer, string audience = TokenIssuer.DefaultAudience)
{
    public const string DefaultIssuer = "bpm-server";
    public const string DefaultAudience = "bpm-api";

    public string Mint(TokenUser user, TimeSpan lifetime, DateTimeOffset? now = null)
    {
        var claims = new List<Claim> { new(BpmClaims.Subject, user.Id), new(BpmClaims.Name, user.Name) };
        if (user.Department is { Length: > 0 } department) claims.Add(new Claim(BpmClaims.Department, department));
        claims.AddRange(user.Roles.Select(r => new Claim(BpmClaims.Role, r)));
        claims.AddRange((user.Posts ?? []).Select(p => new Claim(BpmClaims.Post, p)));
        var issued = now ?? DateTimeOffset.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer, Audience = audience, Subject = new ClaimsIdentity(claims),
            IssuedAt = issued.UtcDateTime, NotBefore = issued.UtcDateTime, Expires = issued.Add(lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(SigningKey.AsSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }
}
