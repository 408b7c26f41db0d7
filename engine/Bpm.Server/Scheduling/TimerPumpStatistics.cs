using Bpm.Engine.Runtime;

namespace Bpm.Server.Scheduling;

/// <summary>One run of the pump job on this node, in real time.</summary>
public sealed record TimerPumpRun(DateTimeOffset StartedAt, DateTimeOffset FinishedAt, PumpResult Result);

/// <summary>What the pump job did on this node since it started: totals and the most recent runs.</summary>
public sealed class TimerPumpStatistics
{
    private const int Kept = 256;

    private readonly Lock _lock = new();
    private readonly Queue<TimerPumpRun> _recent = new();
    private long _runs, _fired, _alreadyHandled, _failed;

    /// <summary>Runs of the pump job on this node.</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>Timers this node fired.</summary>
    public long Fired => Interlocked.Read(ref _fired);

    /// <summary>Timers this node found already fired or cancelled by someone else.</summary>
    public long AlreadyHandled => Interlocked.Read(ref _alreadyHandled);

    /// <summary>Timer firings that failed and were left pending for a later run.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>The latest runs, oldest first (at most 256).</summary>
    public IReadOnlyList<TimerPumpRun> RecentRuns
    {
        get
        {
            lock (_lock) return [.. _recent];
        }
    }

    internal void Record(TimerPumpRun run)
    {
        lock (_lock)
        {
            if (_recent.Count == Kept) _recent.Dequeue();
            _recent.Enqueue(run);
        }
        Interlocked.Add(ref _fired, run.Result.Fired);
        Interlocked.Add(ref _alreadyHandled, run.Result.AlreadyHandled);
        Interlocked.Add(ref _failed, run.Result.Failed);
        Interlocked.Increment(ref _runs);
    }
}
