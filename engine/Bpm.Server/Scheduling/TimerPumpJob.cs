using Bpm.Engine;
using Bpm.Engine.Ports;
using Bpm.Engine.Runtime;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Bpm.Server.Scheduling;

/// <summary>
/// The one Quartz job: fires every due engine timer through <see cref="TimerPump"/>. Quartz only decides when and
/// on which node it runs; exactly-once comes from the engine (a timer fires through one command that finds it no
/// longer pending the second time), so a pump that runs twice, late or after a crash is harmless. Not concurrent:
/// in a cluster one node pumps at a time, the others keep each other's seat warm.
/// </summary>
[DisallowConcurrentExecution]
public sealed class TimerPumpJob(
    CaseEngine engine,
    IEngineStore store,
    TimerSchedulingOptions options,
    TimerPumpStatistics statistics,
    ILogger<TimerPumpJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var startedAt = DateTimeOffset.UtcNow;
        PumpResult result;
        try
        {
            result = await new TimerPump(engine, store, options.BatchSize, options.Parallelism, options.EffectiveLookAhead).PumpAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: whatever is still pending is picked up by the next run, here or on another node.
            return;
        }
        catch (Exception e)
        {
            // The database is away or similar: say so and let the next run try again (timers stay pending).
            logger.LogError(e, "Timer pump failed on {Instance}; the next run retries", context.Scheduler.SchedulerInstanceId);
            return;
        }
        var finishedAt = DateTimeOffset.UtcNow;
        statistics.Record(new TimerPumpRun(startedAt, finishedAt, result));
        context.Result = result;

        if (result.Fired > 0 || result.Failed > 0)
        {
            var maxLate = result.Lateness.Count > 0 ? result.Lateness.Max() : TimeSpan.Zero;
            logger.LogInformation(
                "Timer pump on {Instance}: {Fired} fired, {AlreadyHandled} already handled, {Failed} failed (left pending), latest {MaxLateness} after due, in {Elapsed} ms",
                context.Scheduler.SchedulerInstanceId, result.Fired, result.AlreadyHandled, result.Failed, maxLate, (finishedAt - startedAt).TotalMilliseconds);
        }
        else
        {
            logger.LogDebug("Timer pump on {Instance}: nothing due", context.Scheduler.SchedulerInstanceId);
        }
    }
}
