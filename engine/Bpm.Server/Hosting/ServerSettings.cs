using Bpm.Storage;
using Microsoft.Extensions.Configuration;

namespace Bpm.Server.Hosting;

/// <summary>
/// What the server runs on, read once from configuration (appsettings, environment, command line). Every setting has a
/// default that makes <c>dotnet run --project engine/Bpm.Server</c> work from a clone: SQLite under ./data, the catalog
/// and calendars of process-definitions/ published at start-up, development tokens signed with a key kept in ./data.
/// </summary>
public sealed record ServerSettings
{
    public const string DefaultUrl = "http://localhost:5080";

    public required StorageProvider Provider { get; init; }
    public required string ConnectionString { get; init; }
    public required string DataDirectory { get; init; }
    /// <summary>process-definitions/: published at start-up when <see cref="PublishCatalog"/>; calendars/ inside it.</summary>
    public string? CatalogDirectory { get; init; }
    public bool PublishCatalog { get; init; } = true;
    public string CalendarRegion { get; init; } = "cn";
    /// <summary>HS256 key from configuration; null → the key file in the data folder.</summary>
    public string? SigningKey { get; init; }
    /// <summary>An OIDC authority: tokens are then validated against its keys instead of the HS256 key.</summary>
    public string? Authority { get; init; }
    public string Audience { get; init; } = Security.TokenIssuer.DefaultAudience;
    /// <summary>Sample users (samples/users.json) for the development token endpoint and the token verb; null: none.</summary>
    public string? UsersFile { get; init; }
    /// <summary>Whether POST /api/dev/token mints tokens for sample users (never with an OIDC authority).</summary>
    public bool DevelopmentTokens { get; init; }
    public long MaxRequestBodyBytes { get; init; } = 1024 * 1024;
    /// <summary>The designer's built files (designer/dist), served at /designer when present.</summary>
    public string? DesignerDirectory { get; init; }
    public TimeSpan TimerInterval { get; init; } = TimeSpan.FromSeconds(1);
    public bool RunTimers { get; init; } = true;
    /// <summary>How often the rollup pump looks for closed visits to count (it carries on at once while a batch was full).</summary>
    public TimeSpan RollupInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    public static ServerSettings From(IConfiguration configuration)
    {
        var bpm = configuration.GetSection("Bpm");
        var root = RepositoryRoot.Find();
        var data = Path.GetFullPath(bpm["DataDirectory"] ?? "data");
        var connection = configuration.GetConnectionString("Bpm") ?? configuration["BPM_DATABASE"];
        var provider = bpm["Provider"] is { } named ? Enum.Parse<StorageProvider>(named, ignoreCase: true)
            : connection is not null && LooksLikePostgres(connection) ? StorageProvider.Postgres : StorageProvider.Sqlite;
        connection ??= $"Data Source={Path.Combine(data, "bpm.db")}";
        var catalog = bpm["Catalog"] ?? (root is null ? null : Path.Combine(root, "process-definitions"));
        var authority = bpm["Auth:Authority"];
        var users = bpm["Auth:Users"] ?? (root is null ? null : Path.Combine(root, "samples", "users.json"));
        return new ServerSettings
        {
            Provider = provider,
            ConnectionString = connection,
            DataDirectory = data,
            CatalogDirectory = catalog,
            PublishCatalog = bpm.GetValue("PublishCatalog", true),
            CalendarRegion = bpm["CalendarRegion"] ?? "cn",
            SigningKey = bpm["Auth:SigningKey"] ?? configuration["BPM_SIGNING_KEY"],
            Authority = authority,
            Audience = bpm["Auth:Audience"] ?? Security.TokenIssuer.DefaultAudience,
            UsersFile = users is not null && File.Exists(users) ? users : null,
            DevelopmentTokens = authority is null && bpm.GetValue("Auth:DevelopmentTokens", true),
            MaxRequestBodyBytes = bpm.GetValue("MaxRequestBodyBytes", 1024L * 1024),
            DesignerDirectory = bpm["Designer"] ?? (root is null ? null : Path.Combine(root, "designer", "dist")),
            TimerInterval = TimeSpan.FromMilliseconds(bpm.GetValue("Timers:IntervalMs", 1000)),
            RunTimers = bpm.GetValue("Timers:Enabled", true),
            RollupInterval = TimeSpan.FromMilliseconds(bpm.GetValue("Rollups:IntervalMs", 500)),
        };
    }

    private static bool LooksLikePostgres(string connection) =>
        connection.Contains("Host=", StringComparison.OrdinalIgnoreCase) || connection.StartsWith("postgres", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The clone the server runs from: the nearest folder upwards holding process-definitions/.</summary>
public static class RepositoryRoot
{
    public static string? Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (Directory.Exists(Path.Combine(dir.FullName, "process-definitions")) && File.Exists(Path.Combine(dir.FullName, "BpmServer.sln")))
                    return dir.FullName;
        }
        return null;
    }
}
