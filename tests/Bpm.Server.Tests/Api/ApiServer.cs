using System.Net.Http.Headers;
using Bpm.Server.Hosting;
using Bpm.Server.Security;
using Bpm.Storage;
using Bpm.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bpm.Server.Tests.Api;

/// <summary>
/// The real server (the one <c>dotnet run --project engine/Bpm.Server</c> starts) on Kestrel at a free loopback port,
/// over a fresh SQLite file or PostgreSQL database, with the catalog published. Clients carry tokens minted with the
/// server's key for whichever user a test needs.
/// </summary>
public sealed class ApiServer : IAsyncDisposable
{
    public const string Key = "bpm-tests-signing-key-of-at-least-32-bytes!";
    private readonly WebApplication _app;
    private readonly string _data;
    private readonly string? _sqliteFile;
    private readonly TokenIssuer _issuer = new(System.Text.Encoding.UTF8.GetBytes(Key));
    private readonly List<HttpClient> _clients = [];

    private ApiServer(WebApplication app, string data, string? sqliteFile, Uri address)
    {
        _app = app;
        _data = data;
        _sqliteFile = sqliteFile;
        Address = address;
    }

    public Uri Address { get; }
    public IServiceProvider Services => _app.Services;

    public static Task<ApiServer> SqliteAsync(IDictionary<string, string?>? settings = null)
    {
        var file = Path.Combine(Path.GetTempPath(), $"bpm-api-{Guid.NewGuid():N}.db");
        return StartAsync(StorageProvider.Sqlite, $"Data Source={file}", file, settings);
    }

    public static Task<ApiServer> PostgresAsync(PostgresDatabaseFixture database, IDictionary<string, string?>? settings = null) =>
        StartAsync(StorageProvider.Postgres, database.ConnectionString, null, settings);

    public static async Task<ApiServer> StartAsync(StorageProvider provider, string connectionString, string? sqliteFile, IDictionary<string, string?>? settings = null)
    {
        var data = Path.Combine(Path.GetTempPath(), $"bpm-api-data-{Guid.NewGuid():N}");
        var app = await ServerHost.BuildAsync([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var config = new Dictionary<string, string?>
            {
                ["ConnectionStrings:Bpm"] = connectionString,
                ["Bpm:Provider"] = provider.ToString(),
                ["Bpm:DataDirectory"] = data,
                ["Bpm:Auth:SigningKey"] = Key,
                ["Bpm:Timers:Enabled"] = "false",
                ["Bpm:MaxRequestBodyBytes"] = (256 * 1024).ToString(),
            };
            foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) config[k] = v;
            builder.Configuration.AddInMemoryCollection(config);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ApiServer(app, data, sqliteFile, new Uri(address));
    }

    /// <summary>A client calling as <paramref name="user"/>; null: anonymous.</summary>
    public HttpClient As(TokenUser? user)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        if (user is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(user));
        _clients.Add(client);
        return client;
    }

    public string Token(TokenUser user) => _issuer.Mint(user, TimeSpan.FromHours(1));

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_sqliteFile is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_sqliteFile + suffix);
        }
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }
}

/// <summary>The people of the tests: the 施工许可 departments, their deployers, a supervisor and an administrator.</summary>
public static class People
{
    public const string Housing = "县住房和城乡建设局";
    public const string Fire = "县住房和城乡建设局消防审查股";
    public const string CivilDefence = "县人民防空办公室";

    public static readonly TokenUser Analyst = new("analyst", "王分析", Housing, [BpmRoles.Analyst]);
    public static readonly TokenUser Deployer = new("deployer", "李部署", Housing, [BpmRoles.Deployer]);
    public static readonly TokenUser CivilDefenceDeployer = new("cd-deployer", "周人防", CivilDefence, [BpmRoles.Deployer]);
    public static readonly TokenUser Window = new("window", "赵窗口", Housing, [BpmRoles.Handler]);
    public static readonly TokenUser HousingReviewer = new("reviewer", "陈审查", Housing, [BpmRoles.Handler]);
    public static readonly TokenUser FireHandler = new("fire", "钱消防", Fire, [BpmRoles.Handler]);
    public static readonly TokenUser CivilDefenceHandler = new("civil-defence", "孙人防", CivilDefence, [BpmRoles.Handler], ["人防审核员"]);
    public static readonly TokenUser Supervisor = new("supervisor", "冯监察", "县政务服务管理局电子监察室", [BpmRoles.Supervisor]);
    public static readonly TokenUser Administrator = new("admin", "系统管理员", null, [BpmRoles.Administrator]);

    public static TokenUser HandlerOf(string department, string id = "h") => new($"{id}-{department}", id, department, [BpmRoles.Handler]);
    public static TokenUser DeployerOf(string department) => new($"deployer-{department}", "部署员", department, [BpmRoles.Deployer]);
}
