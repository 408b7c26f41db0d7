using Bpm.Storage;

namespace Bpm.Server.Scheduling;

/// <summary>
/// How the timer pump is scheduled: on which database Quartz keeps its own tables (the engine's, so one backup holds
/// both), as which node, and how often the pump runs.
/// </summary>
public sealed record TimerSchedulingOptions
{
    /// <summary>The engine's database. PostgreSQL runs clustered; SQLite (the embedded default) runs one node.</summary>
    public required StorageProvider Provider { get; init; }

    /// <summary>The engine's connection string: Quartz's <c>qrtz_*</c> tables live beside the engine's.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>The scheduler's name; every node of one cluster uses the same (it is the <c>sched_name</c> of Quartz's rows).</summary>
    public string InstanceName { get; init; } = "bpm";

    /// <summary>
    /// This node's id within the cluster, unique per process (e.g. host name + process id). Left out, Quartz makes one
    /// at start-up. Ignored on SQLite, which is never clustered.
    /// </summary>
    public string? InstanceId { get; init; }

    /// <summary>
    /// How often the pump runs. With the look-ahead (the default) a timer fires when it is due, give or take a few
    /// milliseconds, as long as the pump keeps up; without it, up to this much after (plus the pump's own time).
    /// </summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>
    /// How far ahead each pump run reads timers and waits to fire each the moment it is due (see
    /// <see cref="Bpm.Engine.Runtime.TimerPump.LookAhead"/>). More than <see cref="Interval"/>, so consecutive runs overlap
    /// even when Quartz starts one a little late; a run lasts up to this long when timers fall due near its end, and
    /// a timer written less than this before it is due may wait for the next run. Left out: 1.5 × the interval.
    /// <see cref="TimeSpan.Zero"/> turns it off (each run fires only what is already due).
    /// </summary>
    public TimeSpan? LookAhead { get; init; }

    /// <summary>The look-ahead in force: <see cref="LookAhead"/>, or 1.5 × <see cref="Interval"/>.</summary>
    public TimeSpan EffectiveLookAhead => LookAhead ?? DefaultLookAhead(Interval);

    /// <summary>The look-ahead used when none is set: 1.5 × the interval.</summary>
    public static TimeSpan DefaultLookAhead(TimeSpan interval) => interval + interval / 2;

    /// <summary>
    /// How long a node's scheduler sleeps when it found nothing to fire (the trigger is due later, or another node has
    /// it). Short enough that every node of a cluster takes turns at the pump; Quartz's own default is 30 s, and it
    /// refuses less than 1 s.
    /// </summary>
    public TimeSpan IdleWaitTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a clustered node records that it is alive; a node silent for longer is presumed dead.</summary>
    public TimeSpan ClusterCheckinInterval { get; init; } = TimeSpan.FromSeconds(7.5);

    /// <summary>Due timers one pump pass reads at a time (see <see cref="Bpm.Engine.Runtime.TimerPump"/>).</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>
    /// Cases one pump pass fires timers of at once. Each is one command on its own connection; 8 kept a 2-core machine
    /// (engine and PostgreSQL on it) busiest with the least CPU per timer (samples/bench <c>timers</c>: 4 left cores
    /// idle between round trips, 16 did no better), while leaving connections for the requests.
    /// </summary>
    public int Parallelism { get; init; } = 8;

    /// <summary>
    /// Quartz's table prefix; null keeps Quartz's <c>QRTZ_</c> (lower case on PostgreSQL, which folds unquoted names).
    /// Set it only to keep two separate schedules apart in one database.
    /// </summary>
    public string? TablePrefix { get; init; }

    internal bool Clustered => Provider == StorageProvider.Postgres;
}
