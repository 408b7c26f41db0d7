using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Bpm.Server.Scheduling;

/// <summary>For a host with its own container (the HTTP server): the timer pump as that container's Quartz scheduler.</summary>
public static class TimerSchedulingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Quartz scheduler that pumps engine timers (see <see cref="TimerScheduling.Configure"/>) and the
    /// hosted service that starts and stops it with the host. The container must also provide
    /// <see cref="Bpm.Engine.CaseEngine"/> and <see cref="Bpm.Engine.Ports.IEngineStore"/>.
    /// </summary>
    public static IServiceCollection AddTimerScheduling(this IServiceCollection services, TimerSchedulingOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddQuartz(quartz => TimerScheduling.Configure(quartz, options));
        services.AddQuartzHostedService(hosted => hosted.WaitForJobsToComplete = true);
        return services;
    }
}
