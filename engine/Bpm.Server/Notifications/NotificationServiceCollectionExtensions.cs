using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bpm.Server.Notifications;

public static class NotificationServiceCollectionExtensions
{
    /// <summary>
    /// Notification delivery: the <see cref="NotificationOptions"/> read from <c>Bpm:Notifications</c>, the HTTP client
    /// webhooks are POSTed with, and the <see cref="NotificationDispatcher"/>, run as a hosted service unless
    /// <c>Bpm:Notifications:Enabled</c> is false (the API for webhooks and messages works either way). Uses the
    /// container's <see cref="TimeProvider"/>, <see cref="TimeProvider.System"/> when it has none. The container must
    /// also provide <see cref="Bpm.Storage.EngineStore"/>.
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = NotificationOptions.From(configuration);
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(NotificationDispatcher.HttpClientName, client =>
            {
                // The dispatcher cancels each POST after options.Timeout; this is only a backstop.
                client.Timeout = options.Timeout + TimeSpan.FromSeconds(5);
                client.DefaultRequestHeaders.UserAgent.ParseAdd("BpmServer-Webhooks/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // A webhook answers where it was registered: a redirect is a failed attempt, not a new destination.
                AllowAutoRedirect = false,
                ConnectTimeout = options.Timeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                AutomaticDecompression = DecompressionMethods.None,
                UseCookies = false,
            })
            // The dispatcher logs what matters (failures, dead letters); not four lines per POST.
            .RemoveAllLoggers();
        services.AddSingleton<NotificationDispatcher>();
        if (options.Enabled)
            services.AddHostedService(provider => provider.GetRequiredService<NotificationDispatcher>());
        return services;
    }
}
