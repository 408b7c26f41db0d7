using System.Collections.Concurrent;
using System.Text.Json;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Storage.Supervision;

/// <summary>A window of Beijing calendar dates, both ends included; either end may be open.</summary>
public sealed record SupervisionWindow(DateOnly? From, DateOnly? To)
{
    public int FromDay => From is { } from ? TimingResolution.Day(from) : int.MinValue;
    public int ToDay => To is { } to ? TimingResolution.Day(to) : int.MaxValue;

    /// <summary>The first instant of the window, UTC.</summary>
    public DateTime FromUtc => From is { } from ? Midnight(from) : DateTime.MinValue;

    /// <summary>The first instant after the window, UTC.</summary>
    public DateTime ToUtc => To is { } to ? Midnight(to.AddDays(1)) : DateTime.MaxValue;

    private static DateTime Midnight(DateOnly date) =>
        TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(date.ToDateTime(TimeOnly.MinValue), DateTimeKind.Unspecified), CaseNumber.China);
}

/// <summary>Power and node names from the stored definitions (immutable once published, so read once per version).</summary>
public static class DefinitionNames
{
    private static readonly ConcurrentDictionary<Guid, IReadOnlyDictionary<string, string>> NodeNames = new();

    public sealed record Power(string Code, string Name, IReadOnlyDictionary<string, string> Nodes);

    /// <summary>For each power code, its newest version's name and the node names of all its versions (newer names win).</summary>
    public static async Task<IReadOnlyDictionary<string, Power>> LoadAsync(BpmDbContext db, IEnumerable<string>? powerCodes, CancellationToken ct)
    {
        var query = db.DefinitionVersions.AsNoTracking();
        if (powerCodes is not null)
        {
            var codes = powerCodes.Distinct().ToList();
            query = query.Where(d => codes.Contains(d.PowerCode));
        }
        var heads = await query.Select(d => new { d.Id, d.PowerCode, d.PowerName, d.Version }).ToListAsync(ct);
        var missing = heads.Where(h => !NodeNames.ContainsKey(h.Id)).Select(h => h.Id).ToList();
        if (missing.Count > 0)
        {
            var definitions = await db.DefinitionVersions.AsNoTracking().Where(d => missing.Contains(d.Id)).ToListAsync(ct);
            foreach (var definition in definitions) NodeNames[definition.Id] = Nodes(definition);
        }
        return heads.GroupBy(h => h.PowerCode).ToDictionary(g => g.Key, g =>
        {
            var nodes = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var head in g.OrderBy(h => h.Version))
                foreach (var (id, name) in NodeNames[head.Id]) nodes[id] = name;
            return new Power(g.Key, g.MaxBy(h => h.Version)!.PowerName, nodes);
        }, StringComparer.Ordinal);
    }

    private static IReadOnlyDictionary<string, string> Nodes(DefinitionVersion definition)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        using var json = JsonDocument.Parse(definition.Definition);
        Walk(json.RootElement, names);
        return names;
    }

    // Nodes sit in "nodes" lists, at the top and inside parallel blocks' branches.
    private static void Walk(JsonElement element, Dictionary<string, string> names)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray()) Walk(item, names);
            return;
        }
        if (element.ValueKind != JsonValueKind.Object) return;
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name == "nodes" && property.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var node in property.Value.EnumerateArray())
                {
                    if (node.ValueKind == JsonValueKind.Object && node.TryGetProperty("id", out var id) && node.TryGetProperty("name", out var name)
                        && id.ValueKind == JsonValueKind.String && name.ValueKind == JsonValueKind.String)
                        names.TryAdd(id.GetString()!, name.GetString()!);
                    Walk(node, names);
                }
            }
            else if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && property.Name is "branches" or "definition")
            {
                Walk(property.Value, names);
            }
        }
    }
}
