using Bpm.Engine.Commands;
using Bpm.Engine.Ports;

namespace Bpm.Engine.Runtime;

/// <summary>What one pass of the pump did.</summary>
public sealed record PumpResult(int Fired, int AlreadyHandled, int Failed, IReadOnlyList<TimeSpan> Lateness);

/// <summary>
/// Fires due timers from the engine's own indexed table through the command executor. Each timer is one
/// <see cref="FireTimer"/> command, so a timer fires exactly once however many pumps run (two servers, a restart,
/// a catch-up after downtime): a second attempt finds it no longer pending. A host triggers <see cref="PumpAsync"/>
/// periodically (a clustered Quartz job); tests call it directly with a controlled clock.
/// </summary>
public sealed class TimerPump(CaseEngine engine, IEngineStore store, int batchSize = 500, int parallelism = 4)
{
    /// <summary>Fires everything due now, batch after batch, until nothing due is left.</summary>
    public async Task<PumpResult> PumpAsync(CancellationToken cancellationToken = default)
    {
        int fired = 0, handled = 0, failed = 0;
        var lateness = new List<TimeSpan>();
        var failedIds = new HashSet<Guid>();
        while (!cancellationToken.IsCancellationRequested)
        {
            IReadOnlyList<DueTimer> due;
            await using (var session = await store.OpenAsync(cancellationToken))
                due = await session.FindDueTimersAsync(engine.Now(), batchSize, cancellationToken);
            var batch = due.Where(t => !failedIds.Contains(t.TimerId)).ToList();
            if (batch.Count == 0) break;
            // Timers of one case run one after another (they would only conflict); different cases in parallel.
            await Parallel.ForEachAsync(batch.GroupBy(t => t.CaseId), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
                async (group, ct) =>
                {
                    foreach (var timer in group.OrderBy(t => t.DueAt))
                    {
                        try
                        {
                            await engine.ExecuteAsync(new FireTimer(timer.CaseId, timer.TimerId), ct);
                            lock (lateness)
                            {
                                fired++;
                                lateness.Add(engine.Now() - timer.DueAt);
                            }
                        }
                        catch (StateConflictException e) when (e.Reason is "timer-not-pending" or "timer-not-due")
                        {
                            lock (lateness) handled++;
                        }
                        catch (Exception e) when (e is not OperationCanceledException)
                        {
                            // Left pending: the next pass tries again (e.g. after next year's calendar is loaded).
                            lock (lateness)
                            {
                                failed++;
                                failedIds.Add(timer.TimerId);
                            }
                        }
                    }
                });
        }
        return new PumpResult(fired, handled, failed, lateness);
    }
}
