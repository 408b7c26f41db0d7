using Bpm.Engine;
using Bpm.Engine.Ports;
using Bpm.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Npgsql;
using Quartz;

namespace Bpm.Server.Scheduling;

/// <summary>
/// Runs the engine's timer pump from Quartz with a persistent job store on the engine's own database: one job
/// (<see cref="TimerPumpJob"/>) on one simple trigger. On PostgreSQL the store is clustered, so any number of server
/// processes share the schedule and one of them pumps at a time; SQLite (the embedded default) runs one node.
/// Quartz creates its <c>qrtz_*</c> tables itself when they are missing (its guarded, create-only script), beside the
/// tables <see cref="EngineStore.MigrateAsync"/> made.
/// <para>
/// Why not one Quartz trigger per engine timer: the timers are written in the same transaction as the command that
/// needs them, and a trigger per timer would take Quartz's cluster lock inside every engine command. Here Quartz
/// only says "pump now", and the engine's table says what is due.
/// </para>
/// Host-agnostic: <see cref="StartAsync"/> gives a handle that owns a scheduler and its container; a host with its
/// own container calls <see cref="Configure"/> from <c>AddQuartz</c> (see <see cref="TimerSchedulingServiceCollectionExtensions"/>).
/// </summary>
public sealed class TimerScheduling : IAsyncDisposable
{
    /// <summary>The pump job's key, the same on every node.</summary>
    public static readonly JobKey JobKey = new("timer-pump", "bpm");

    /// <summary>The key of the trigger that repeats the pump job.</summary>
    public static readonly TriggerKey TriggerKey = new("timer-pump", "bpm");

    private readonly StandaloneSchedulerFactory _factory;
    private int _stopped;

    private TimerScheduling(StandaloneSchedulerFactory factory, IScheduler scheduler, TimerPumpStatistics statistics)
    {
        _factory = factory;
        Scheduler = scheduler;
        Statistics = statistics;
    }

    /// <summary>The running scheduler (for its name, instance id, cluster nodes …).</summary>
    public IScheduler Scheduler { get; }

    /// <summary>What the pump job did on this node.</summary>
    public TimerPumpStatistics Statistics { get; }

    /// <summary>This node's id in the cluster (<c>NON_CLUSTERED</c> on SQLite).</summary>
    public string InstanceId => Scheduler.SchedulerInstanceId;

    /// <summary>
    /// Builds and starts a scheduler that pumps <paramref name="engine"/>'s timers. The store and the engine stay the
    /// caller's: disposing the handle stops the scheduler, not them. The schedule's tables are created if missing.
    /// Without <paramref name="loggerFactory"/>, Quartz and the job log to Quartz's static <c>LogProvider</c> (silent
    /// unless the process set one).
    /// </summary>
    public static async Task<TimerScheduling> StartAsync(
        CaseEngine engine,
        IEngineStore store,
        TimerSchedulingOptions options,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        var statistics = new TimerPumpStatistics();
        var factory = QuartzSchedulerBuilder.Create(quartz =>
        {
            // Instances the caller owns: the container does not dispose what it was handed.
            quartz.Services.AddSingleton(engine);
            quartz.Services.AddSingleton(store);
            quartz.Services.AddSingleton(statistics);
            if (loggerFactory is not null)
            {
                // Through a provider: Quartz's standalone container sends its logging to Quartz's static LogProvider
                // unless a logging provider is registered, and an ILoggerFactory registered on its own went unused.
                quartz.Services.AddLogging(logging => logging
                    .SetMinimumLevel(LogLevel.Trace) // the caller's factory filters
                    .AddProvider(new ForwardingLoggerProvider(loggerFactory)));
            }
            Configure(quartz, options);
        }).Build();
        try
        {
            var scheduler = await factory.GetScheduler(cancellationToken);
            await scheduler.Start(cancellationToken);
            return new TimerScheduling(factory, scheduler, statistics);
        }
        catch
        {
            await factory.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Configures a Quartz scheduler to pump timers: persistent store on the engine's database (clustered on
    /// PostgreSQL), its tables created when missing, System.Text.Json for job data, and the pump job on a trigger
    /// that repeats every <see cref="TimerSchedulingOptions.Interval"/>. The container must provide
    /// <see cref="CaseEngine"/>, <see cref="IEngineStore"/> and logging.
    /// </summary>
    public static void Configure(IQuartzBuilder quartz, TimerSchedulingOptions options)
    {
        ArgumentNullException.ThrowIfNull(quartz);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Interval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(options), options.Interval, "the pump interval must be positive");
        if (options.LookAhead < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(options), options.LookAhead, "the pump look-ahead must not be negative");

        quartz.ConfigureScheduler(scheduler =>
        {
            scheduler.InstanceName = options.InstanceName;
            scheduler.IdleWaitTime = options.IdleWaitTime;
            if (options.Clustered && options.InstanceId is { Length: > 0 } id) scheduler.InstanceId = id;
        });
        // Quartz asks the container for a TimeProvider before falling back to the system clock; a host that registers
        // the engine's clock (a test's hand-moved one, say) must not move Quartz's schedule with it.
        quartz.UseTimeProvider(TimeProvider.System);
        quartz.UsePersistentStore(store =>
        {
            switch (options.Provider)
            {
                case StorageProvider.Postgres:
                    store.UsePostgres(NpgsqlFactory.Instance, options.ConnectionString);
                    store.UseClustering(cluster => cluster.CheckinInterval = options.ClusterCheckinInterval);
                    break;
                case StorageProvider.Sqlite:
                    // One node: SQLite has one writer, and Quartz refuses to cluster on it.
                    store.UseSqlite(SqliteFactory.Instance, options.ConnectionString);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "unknown storage provider");
            }
            store.UseSystemTextJsonSerializer();
            // Quartz 4 creates whatever of its schema is missing, with guarded CREATE … IF NOT EXISTS statements, and
            // validates it; nodes starting together converge. It never alters or drops anything.
            store.ProvisionSchema();
            if (options.TablePrefix is { Length: > 0 } prefix) store.ConfigureStore(ado => ado.TablePrefix = prefix);
        });

        quartz.Services.TryAddSingleton(options);
        quartz.Services.TryAddSingleton<TimerPumpStatistics>();
        // Declared job and trigger replace what an earlier start stored under the same keys (Quartz's default), so a
        // changed interval applies and the pump runs as soon as a node starts: timers that came due while every server
        // was down fire at start-up. A run that is late anyway (a busy or paused node) fires at once, not skipped.
        quartz.ScheduleJob<TimerPumpJob>(
            trigger => trigger
                .WithIdentity(TriggerKey)
                .WithDescription("Fires due engine timers")
                .StartNow()
                .WithSimpleSchedule(schedule => schedule
                    .WithInterval(options.Interval)
                    .RepeatForever()
                    .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount)),
            job => job
                .WithIdentity(JobKey)
                .WithDescription("Pumps the engine's timer table (Bpm.Engine.Runtime.TimerPump)")
                .DisallowConcurrentExecution());
    }

    /// <summary>Stops the scheduler, letting a running pump finish. The other nodes of a cluster carry on.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        try
        {
            await Scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken);
        }
        finally
        {
            await _factory.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>Hands every logger out of the caller's factory; the factory stays the caller's to dispose.</summary>
    private sealed class ForwardingLoggerProvider(ILoggerFactory factory) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => factory.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }
}
