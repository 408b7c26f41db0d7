using Bpm.Server.Hosting;
using Microsoft.Extensions.Configuration;

namespace Bpm.Server.Notifications;

/// <summary>
/// How notices are delivered, read from <c>Bpm:Notifications</c>: <c>Enabled</c> (the dispatcher runs in this
/// process; default true), <c>IntervalMs</c> (how often it looks for work; 1000), <c>MaxAttempts</c> (a delivery is
/// dead-lettered after this many failed attempts; 8), <c>RetryBaseMs</c> / <c>RetryMaxMs</c> (backoff: base·2^(n−1)
/// after the n-th failure, capped; 10 s and 1 h), <c>TimeoutMs</c> (one POST; 5 s), <c>BatchSize</c> (100) and
/// <c>Parallelism</c> (POSTs in flight at once; 8).
/// </summary>
public sealed record NotificationOptions
{
    public bool Enabled { get; init; } = true;
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);
    public int MaxAttempts { get; init; } = 8;
    public TimeSpan RetryBase { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryMax { get; init; } = TimeSpan.FromHours(1);
    /// <summary>Each backoff is shortened by a random part of up to this fraction, so failed deliveries spread out.</summary>
    public double Jitter { get; init; } = 0.2;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);
    public int BatchSize { get; init; } = 100;
    public int Parallelism { get; init; } = 8;

    /// <summary>
    /// How long a claimed delivery stays claimed: longer than one POST can take, so no other dispatcher sends it
    /// meanwhile; if the process dies mid-send, the delivery is due again after it (at least once, never twice at once).
    /// </summary>
    public TimeSpan Lease => Timeout + TimeSpan.FromSeconds(30);

    public static NotificationOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Bpm:Notifications");
        var defaults = new NotificationOptions();
        var options = new NotificationOptions
        {
            Enabled = section.GetValue("Enabled", defaults.Enabled),
            Interval = Milliseconds(section, "IntervalMs", defaults.Interval),
            MaxAttempts = section.GetValue("MaxAttempts", defaults.MaxAttempts),
            RetryBase = Milliseconds(section, "RetryBaseMs", defaults.RetryBase),
            RetryMax = Milliseconds(section, "RetryMaxMs", defaults.RetryMax),
            Jitter = section.GetValue("Jitter", defaults.Jitter),
            Timeout = Milliseconds(section, "TimeoutMs", defaults.Timeout),
            BatchSize = section.GetValue("BatchSize", defaults.BatchSize),
            Parallelism = section.GetValue("Parallelism", defaults.Parallelism),
        };
        options.Validate();
        return options;
    }

    /// <summary>Refuses settings the dispatcher cannot run with, naming the setting (the server then does not start).</summary>
    public void Validate()
    {
        if (Interval <= TimeSpan.Zero) throw new StartupException("Bpm:Notifications:IntervalMs must be positive");
        if (MaxAttempts < 1) throw new StartupException("Bpm:Notifications:MaxAttempts must be at least 1");
        if (RetryBase <= TimeSpan.Zero || RetryMax < RetryBase)
            throw new StartupException("Bpm:Notifications:RetryBaseMs must be positive and RetryMaxMs at least as long");
        if (Jitter is < 0 or >= 1) throw new StartupException("Bpm:Notifications:Jitter must be in [0, 1)");
        if (Timeout <= TimeSpan.Zero) throw new StartupException("Bpm:Notifications:TimeoutMs must be positive");
        if (BatchSize < 1 || Parallelism < 1) throw new StartupException("Bpm:Notifications:BatchSize and Parallelism must be at least 1");
    }

    private static TimeSpan Milliseconds(IConfiguration section, string key, TimeSpan fallback) =>
        section[key] is null ? fallback : TimeSpan.FromMilliseconds(section.GetValue<long>(key));
}
