using Bpm.Engine;
using Bpm.Engine.Ports;
using Bpm.Engine.Time;
using Bpm.Server.Analytics;
using Bpm.Server.Api;
using Bpm.Server.Notifications;
using Bpm.Server.Scheduling;
using Bpm.Server.Security;
using Bpm.Storage;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Bpm.Server.Hosting;

/// <summary>
/// Builds and runs the HTTP server: migrates the database (refusing one from a newer server), loads the calendar,
/// publishes the catalog, then serves the API, the public catalog and the designer with Quartz pumping timers.
/// </summary>
public static class ServerHost
{
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        WebApplication app;
        try
        {
            app = await BuildAsync(args, configure: null, cancellationToken);
        }
        catch (Exception e) when (e is SchemaTooNewException or StartupException)
        {
            await Console.Error.WriteLineAsync($"bpm: cannot start: {e.Message}");
            return 1;
        }
        await using (app)
        {
            await app.StartAsync(cancellationToken);
            PrintWhereThingsAre(app);
            await app.WaitForShutdownAsync(cancellationToken);
        }
        return 0;
    }

    /// <summary>The server, ready to start. Tests pass <paramref name="configure"/> to set configuration (database, URLs …).</summary>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? configure, CancellationToken cancellationToken = default)
    {
        // The application name is the server's own (not a test host's): the OpenAPI document tags endpoints with it,
        // and the designer's committed copy of that document must match whoever serves it.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ApplicationName = typeof(ServerHost).Assembly.GetName().Name });
        if (builder.Configuration["urls"] is null && builder.Configuration["ASPNETCORE_URLS"] is null)
            builder.WebHost.UseUrls(ServerSettings.DefaultUrl);
        configure?.Invoke(builder);
        var settings = ServerSettings.From(builder.Configuration);

        var store = BpmStorage.Open(settings.Provider, settings.ConnectionString);
        await store.MigrateAsync(cancellationToken);
        var calendar = await LoadCalendarAsync(settings, cancellationToken);
        var engine = new CaseEngine(store, TimeProvider.System, new EngineOptions { Calendar = calendar, Supervision = SupervisionSettings.From(builder.Configuration) });
        var key = SigningKey.Resolve(settings.SigningKey, settings.DataDirectory);

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes);
        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(store);
        services.AddSingleton<IEngineStore>(store);
        services.AddSingleton(engine);
        services.AddSingleton(new TokenIssuer(key, audience: settings.Audience));
        services.AddSingleton(new QueryCodes(key));
        services.AddSingleton<CatalogPublisher>();
        // Responses with no body of their own (401 and 403 from authorization, 404 of an unknown route) get one too.
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions.TryAdd("code", context.ProblemDetails.Status switch
            {
                401 => "unauthenticated",
                403 => "forbidden",
                404 => "not-found",
                405 => "method-not-allowed",
                413 => "body-too-large",
                415 => "unsupported-media-type",
                _ => "bad-request",
            }));
        services.AddOpenApi(options => options.AddDocumentTransformer<BearerSecurityScheme>());
        services.ConfigureHttpJsonOptions(json => ApiJson.Configure(json.SerializerOptions));
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                NameClaimType = BpmClaims.Name,
                RoleClaimType = BpmClaims.Role,
                ValidAudience = settings.Audience,
                ValidateAudience = true,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            if (settings.Authority is { } authority)
            {
                jwt.Authority = authority;
            }
            else
            {
                jwt.TokenValidationParameters.ValidIssuer = TokenIssuer.DefaultIssuer;
                jwt.TokenValidationParameters.IssuerSigningKey = SigningKey.AsSecurityKey(key);
            }
        });
        services.AddAuthorization(policies => BpmPolicies.Add(policies));
        services.AddHostedService<RollupPump>(); // counts closed visits into the supervision rollups; Bpm:Rollups:IntervalMs
        services.AddNotifications(builder.Configuration); // webhooks and in-app messages from the outbox; Bpm:Notifications
        if (settings.RunTimers)
            services.AddTimerScheduling(new TimerSchedulingOptions
            {
                Provider = settings.Provider, ConnectionString = settings.ConnectionString, Interval = settings.TimerInterval,
                InstanceId = $"{Environment.MachineName}-{Environment.ProcessId}",
            });

        var app = builder.Build();
        if (settings.PublishCatalog && settings.CatalogDirectory is { } catalog)
            await app.Services.GetRequiredService<CatalogPublisher>().PublishFolderAsync(catalog, cancellationToken);

        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = ApiProblems.HandleAsync, StatusCodeSelector = ApiProblems.StatusOf });
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi();
        app.MapBpmApi();
        Public.PublicCatalog.Map(app);
        DesignerFiles.Map(app, settings);
        return app;
    }

    private static async Task<WorkCalendar?> LoadCalendarAsync(ServerSettings settings, CancellationToken cancellationToken)
    {
        var folder = settings.CatalogDirectory is { } catalog ? Path.Combine(catalog, "calendars") : null;
        if (folder is null || !Directory.Exists(folder))
            throw new StartupException($"no holiday calendar: expected the folder {folder ?? "process-definitions/calendars"} (set Bpm:Catalog)");
        return await CalendarFolder.LoadAsync(folder, settings.CalendarRegion, cancellationToken);
    }

    /// <summary>The one line (and a few after it) that tells where the API, its document, the catalog and the designer are.</summary>
    private static void PrintWhereThingsAre(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? ServerSettings.DefaultUrl;
        address = address.Replace("://[::]", "://localhost").Replace("://0.0.0.0", "://localhost").TrimEnd('/');
        var settings = app.Services.GetRequiredService<ServerSettings>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Bpm.Server");
        log.LogInformation("database: {Provider} {Where}", settings.Provider,
            settings.Provider == StorageProvider.Sqlite ? settings.ConnectionString : "(connection string from configuration)");
        Console.WriteLine($"BpmServer is running: API {address}/api · OpenAPI {address}/openapi/v1.json · public catalog {address}/public · designer {address}/designer");
        if (settings.DevelopmentTokens && settings.UsersFile is not null)
            Console.WriteLine($"  development tokens: `dotnet run --project engine/Bpm.Server -- token --user window` (users in {Path.GetRelativePath(Directory.GetCurrentDirectory(), settings.UsersFile)}), or POST {address}/api/dev/token {{\"user\":\"window\"}}");
    }
}

/// <summary>A start-up precondition that is not met, with a message for the operator.</summary>
public sealed class StartupException(string message) : Exception(message);
