using Bpm.Engine.State;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Storage.Queries;

/// <summary>A power with all its versions, newest last.</summary>
public sealed record PowerVersions(string Code, string Name, string Category, string Subject, IReadOnlyList<DefinitionVersion> Versions)
{
    public DefinitionVersion Latest => Versions[^1];
}

public sealed record PowerFilter(string? Department = null, string? Category = null, string? Keyword = null, bool IncludeAbolished = true, int? Page = null, int? PageSize = null);

/// <summary>Powers (权力清单) by code, each with its versions; name, category and subject come from the newest version.</summary>
public static class PowerList
{
    public static async Task<Page<PowerVersions>> QueryAsync(BpmDbContext db, PowerFilter filter, CancellationToken cancellationToken)
    {
        var (number, size) = Page<PowerVersions>.Clamp(filter.Page, filter.PageSize);
        // Versions are few (tens per power, hundreds of powers): one read, grouped here, keeps the filters simple.
        var versions = await db.DefinitionVersions.AsNoTracking()
            .Select(v => new DefinitionVersion
            {
                Id = v.Id, PowerCode = v.PowerCode, PowerName = v.PowerName, Category = v.Category, Subject = v.Subject,
                Version = v.Version, ContentHash = v.ContentHash, State = v.State, PublishedAt = v.PublishedAt,
                PublishedBy = v.PublishedBy, StateChangedAt = v.StateChangedAt,
            })
            .ToListAsync(cancellationToken);
        var powers = versions.GroupBy(v => v.PowerCode)
            .Select(g => g.OrderBy(v => v.Version).ToList())
            .Select(list => new PowerVersions(list[^1].PowerCode, list[^1].PowerName, list[^1].Category, list[^1].Subject, list))
            .Where(p => filter.IncludeAbolished || p.Versions.Any(v => v.State != DefinitionState.Abolished))
            .Where(p => filter.Department is not { } d || p.Subject.Contains(d, StringComparison.Ordinal))
            .Where(p => filter.Category is not { } c || p.Category == c)
            .Where(p => filter.Keyword is not { } k || p.Name.Contains(k, StringComparison.OrdinalIgnoreCase) || p.Code.Contains(k, StringComparison.OrdinalIgnoreCase))
            .OrderBy(p => p.Code, StringComparer.Ordinal)
            .ToList();
        return new Page<PowerVersions>(powers.Skip((number - 1) * size).Take(size).ToList(), powers.Count, number, size);
    }
}
