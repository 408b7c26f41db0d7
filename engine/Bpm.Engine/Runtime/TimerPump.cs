using System.Diagnostics;
using Bpm.Engine.Commands;
using Bpm.Engine.Ports;

namespace Bpm.Engine.Runtime;

/// <summary>
/// What one pass of the pump did. <paramref name="Lateness"/> holds, per fired timer, how long after its due time the
/// firing had committed (by the engine's clock). <paramref name="Deferred"/> counts timers read ahead that had not come
/// due by the end of the pass (the engine's clock did not get there in time); they stay pending for the next pass.
/// </summary>
public sealed record PumpResult(int Fired, int AlreadyHandled, int Failed, IReadOnlyList<TimeSpan> Lateness, int Deferred = 0);

/// <summary>
/// Fires due timers from the engine's own indexed table through the command executor. Each timer is one
/// <see cref="FireTimer"/> command, so a timer fires exactly once however many pumps run (two servers, a restart,
/// a catch-up after downtime): a second attempt finds it no longer pending. A host triggers <see cref="PumpAsync"/>
/// periodically (a clustered Quartz job); tests call it directly with a controlled clock.
/// <para>
/// With a <see cref="LookAhead"/>, a pass also reads the timers that fall due within that time of its start and fires
/// each the moment it is due, instead of leaving it to the next pass: a pump run every second then adds milliseconds,
/// not up to a second, to a timer's lateness. It never fires early: it waits until the engine's clock has reached the
/// due time, and <see cref="FireTimer"/> itself refuses a timer that is not due. The waiting is done in real time and
/// is bounded by the look-ahead (plus a little): a timer the engine's clock has not reached by then (a clock that does
/// not run, as in tests) is left pending for a later pass.
/// </para>
/// </summary>
public sealed class TimerPump
{
    /// <summary>The longest single sleep while waiting for a timer, so a clock moved meanwhile is noticed soon.</summary>
    private static readonly TimeSpan LongestSleep = TimeSpan.FromMilliseconds(100);

    /// <summary>How much longer than the look-ahead a pass waits for read-ahead timers to come due.</summary>
    private static readonly TimeSpan WaitGrace = TimeSpan.FromMilliseconds(250);

    private readonly CaseEngine _engine;
    private readonly IEngineStore _store;
    private readonly int _batchSize;
    private readonly int _parallelism;

    public TimerPump(CaseEngine engine, IEngineStore store, int batchSize = 500, int parallelism = 8, TimeSpan lookAhead = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parallelism);
        ArgumentOutOfRangeException.ThrowIfLessThan(lookAhead, TimeSpan.Zero);
        _engine = engine;
        _store = store;
        _batchSize = batchSize;
        _parallelism = parallelism;
        LookAhead = lookAhead;
    }

    /// <summary>How far past its start a pass reads timers and waits for them to come due (zero: only what is due).</summary>
    public TimeSpan LookAhead { get; }

    /// <summary>
    /// Fires everything due now, batch after batch, until nothing due is left; with a look-ahead, also everything due
    /// by the pass's start plus the look-ahead, each when it comes due.
    /// </summary>
    public async Task<PumpResult> PumpAsync(CancellationToken cancellationToken = default)
    {
        var pass = Stopwatch.StartNew();
        var horizon = _engine.Now() + LookAhead;
        var waitUntil = LookAhead > TimeSpan.Zero ? LookAhead + WaitGrace : TimeSpan.Zero;
        int fired = 0, handled = 0, failed = 0, deferred = 0;
        var lateness = new List<TimeSpan>();
        var skipped = new HashSet<Guid>(); // failed, or not due by the end of the wait: left for a later pass
        while (!cancellationToken.IsCancellationRequested)
        {
            // Everything due by the horizon; while the pass is still busy past it, everything due by now.
            var now = _engine.Now();
            IReadOnlyList<DueTimer> due;
            await using (var session = await _store.OpenAsync(cancellationToken))
                due = await session.FindDueTimersAsync(now > horizon ? now : horizon, _batchSize, cancellationToken);
            var batch = due.Where(t => !skipped.Contains(t.TimerId)).ToList();
            if (batch.Count == 0) break;
            // Timers of one case run one after another (they would only conflict); different cases in parallel, in the
            // order they fall due.
            await Parallel.ForEachAsync(batch.GroupBy(t => t.CaseId), new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = cancellationToken },
                async (group, ct) =>
                {
                    foreach (var timer in group.OrderBy(t => t.DueAt))
                    {
                        if (!await WaitUntilDueAsync(timer.DueAt, pass, waitUntil, ct))
                        {
                            lock (lateness)
                            {
                                deferred++;
                                skipped.Add(timer.TimerId);
                            }
                            continue;
                        }
                        try
                        {
                            await _engine.ExecuteAsync(new FireTimer(timer.CaseId, timer.TimerId), ct);
                            var late = _engine.Now() - timer.DueAt;
                            lock (lateness)
                            {
                                fired++;
                                lateness.Add(late);
                            }
                        }
                        catch (StateConflictException e) when (e.Reason is "timer-not-pending")
                        {
                            lock (lateness) handled++;
                        }
                        catch (StateConflictException e) when (e.Reason is "timer-not-due")
                        {
                            // The engine's clock is behind the one we waited on (it was moved back): not yet.
                            lock (lateness)
                            {
                                deferred++;
                                skipped.Add(timer.TimerId);
                            }
                        }
                        catch (Exception e) when (e is not OperationCanceledException)
                        {
                            // Left pending: the next pass tries again (e.g. after next year's calendar is loaded).
                            lock (lateness)
                            {
                                failed++;
                                skipped.Add(timer.TimerId);
                            }
                        }
                    }
                });
        }
        return new PumpResult(fired, handled, failed, lateness, deferred);
    }

    /// <summary>
    /// Waits until the engine's clock has reached <paramref name="dueAt"/>; false if it has not by
    /// <paramref name="waitUntil"/> into the pass (no waiting at all without a look-ahead).
    /// </summary>
    private async ValueTask<bool> WaitUntilDueAsync(DateTime dueAt, Stopwatch pass, TimeSpan waitUntil, CancellationToken cancellationToken)
    {
        while (true)
        {
            var left = dueAt - _engine.Now();
            if (left <= TimeSpan.Zero) return true;
            var budget = waitUntil - pass.Elapsed;
            if (budget <= TimeSpan.Zero) return false;
            var sleep = left < budget ? left : budget;
            if (sleep > LongestSleep) sleep = LongestSleep;
            // Whole milliseconds, rounded up (the engine's clock counts whole milliseconds, and Task.Delay truncates).
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling(sleep.TotalMilliseconds))), cancellationToken);
        }
    }
}
