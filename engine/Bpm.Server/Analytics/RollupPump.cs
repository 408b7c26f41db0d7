using Bpm.Server.Hosting;
using Bpm.Storage;
using Bpm.Storage.Supervision;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bpm.Server.Analytics;

/// <summary>
/// Folds the rollup feed in the background (<see cref="RollupFeed"/>): commands only note what they closed, and this
/// counts it into the supervision histograms a batch at a time, so the stored figures trail the commands by about one
/// interval. Queries catch up on what is left before they answer, so no answer is stale. Several servers on one
/// database take turns (a fold holds a lock while it writes).
/// </summary>
public sealed class RollupPump(EngineStore store, ServerSettings settings, ILogger<RollupPump> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        RollupFeed.PumpAsync(store, settings.RollupInterval,
            e => logger.LogWarning(e, "rollups: folding the feed failed; trying again in {Interval}", settings.RollupInterval), stoppingToken);
}
