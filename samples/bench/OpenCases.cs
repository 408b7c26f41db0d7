using Bpm.Engine;
using Bpm.Engine.State;
using Bpm.Storage;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Bench;

/// <summary>
/// Applies M cases and leaves each waiting at its acceptance step, measuring the process's memory at 0, 10%, 50%
/// and 100%: the engine keeps no case state between commands, so memory must not grow with the open cases.
/// </summary>
internal static class OpenCases
{
    public static async Task<MemoryResult> RunAsync(EngineStore store, CaseEngine engine, string code, int openCases, int clients,
        Action<string> progress, CancellationToken ct)
    {
        var perClient = Enumerable.Range(0, clients).Select(_ => new Latencies()).ToArray();
        var executors = perClient.Select(l => CaseDriver.Timed(engine, l, ct)).ToArray();
        var points = new List<MemoryPoint> { Point(0, openCases, double.NaN) };
        progress(Describe(points[^1]));
        var done = 0;
        var total = TimeSpan.Zero;
        var failed = 0;
        foreach (var target in new[] { openCases / 10, openCases / 2, openCases }.Where(t => t > 0).Distinct())
        {
            var offset = done;
            var outcome = await ClientPool.RunAsync(target - done, clients,
                (client, n) => executors[client]("apply", JointCase.Application(code, 10_000_000 + offset + n)), ct);
            failed += outcome.Failed;
            if (outcome.Failed > 0) progress($"  {outcome.Failed} applies failed: {string.Join(" | ", outcome.Errors)}");
            total += outcome.Elapsed;
            var segmentRate = (target - done) / outcome.Elapsed.TotalSeconds;
            done = target;
            points.Add(Point(done, openCases, segmentRate));
            progress(Describe(points[^1]));
        }
        long running;
        await using (var context = store.CreateContext())
            running = await context.Cases.AsNoTracking().LongCountAsync(c => c.Status == CaseStatus.Running, ct);
        var applies = Latencies.Merge(perClient).All.ToList();
        return new MemoryResult(openCases, clients, Math.Round(total.TotalSeconds, 3), Math.Round((openCases - failed) / total.TotalSeconds, 1),
            Latencies.Summarize(applies), running, points);
    }

    private static MemoryPoint Point(int open, int of, double segmentRate)
    {
        var workingSet = Environment.WorkingSet;
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        return new MemoryPoint(open, of == 0 ? 0 : Math.Round(100.0 * open / of, 1), workingSet, heap,
            double.IsNaN(segmentRate) ? 0 : Math.Round(segmentRate, 1), GC.CollectionCount(2));
    }

    public static string Describe(MemoryPoint p) =>
        $"  open cases {p.OpenCases,9:N0} ({p.Percent,5:0.#}%)  working set {Report.Mb(p.WorkingSetBytes),8}  managed heap {Report.Mb(p.ManagedHeapBytes),8}"
        + (p.SegmentAppliesPerSecond > 0 ? $"  applies/s {p.SegmentAppliesPerSecond,8:N0}" : "");
}
