using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Bpm.Bench;

/// <summary>Latencies in <see cref="Stopwatch"/> ticks, kept per client (no locking) and merged afterwards.</summary>
internal sealed class Latencies
{
    private readonly Dictionary<string, List<long>> _byStep = new(StringComparer.Ordinal);

    public void Add(string step, long ticks)
    {
        if (!_byStep.TryGetValue(step, out var list)) _byStep[step] = list = new List<long>(4096);
        list.Add(ticks);
    }

    public IEnumerable<string> Steps => _byStep.Keys;

    public IReadOnlyList<long> Of(string step) => _byStep.TryGetValue(step, out var list) ? list : [];

    public IEnumerable<long> All => _byStep.Values.SelectMany(l => l);

    public static Latencies Merge(IEnumerable<Latencies> parts)
    {
        var merged = new Latencies();
        foreach (var part in parts)
        foreach (var (step, list) in part._byStep)
        {
            if (!merged._byStep.TryGetValue(step, out var into)) merged._byStep[step] = into = new List<long>(list.Count);
            into.AddRange(list);
        }
        return merged;
    }

    public static LatencySummary Summarize(IEnumerable<long> ticks)
    {
        var sorted = ticks.ToArray();
        if (sorted.Length == 0) return new LatencySummary(0, 0, 0, 0, 0, 0);
        Array.Sort(sorted);
        double Ms(long t) => t * 1000.0 / Stopwatch.Frequency;
        // Nearest rank: the smallest value with at least p% of the values at or below it.
        double Rank(double p) => Ms(sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)]);
        return new LatencySummary(sorted.Length, Math.Round(sorted.Average(t => Ms(t)), 3), Math.Round(Rank(50), 3), Math.Round(Rank(90), 3),
            Math.Round(Rank(99), 3), Math.Round(Ms(sorted[^1]), 3));
    }
}

/// <summary>Runs <c>count</c> units of work on <c>clients</c> concurrent loops that share one counter.</summary>
internal static class ClientPool
{
    public sealed record Outcome(TimeSpan Elapsed, int Failed, IReadOnlyList<string> Errors);

    public static async Task<Outcome> RunAsync(long count, int clients, Func<int, long, Task> work, CancellationToken ct)
    {
        long next = 0;
        var failed = 0;
        var errors = new ConcurrentQueue<string>();
        var watch = Stopwatch.StartNew();
        var loops = Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref next);
                if (n > count) return;
                try
                {
                    await work(client, n);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Interlocked.Increment(ref failed);
                    if (errors.Count < 5) errors.Enqueue($"{e.GetType().Name}: {e.Message}");
                }
            }
        }, ct)).ToArray();
        await Task.WhenAll(loops);
        ct.ThrowIfCancellationRequested();
        return new Outcome(watch.Elapsed, failed, errors.ToList());
    }
}

/// <summary>
/// CPU time from /proc: this process, the PostgreSQL server (the postmaster and all its children, when it runs on
/// this machine), and the whole machine. Linux only; elsewhere the figures are zero.
/// </summary>
internal sealed class CpuMeter(int? postmasterPid)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ; 100 on every Linux this runs on

    public readonly record struct Sample(long Timestamp, TimeSpan Process, double? PostgresSeconds, long MachineBusy, long MachineTotal);

    public int? PostmasterPid => postmasterPid;

    public Sample Take()
    {
        using var self = Process.GetCurrentProcess();
        var (busy, total) = Machine();
        return new Sample(Stopwatch.GetTimestamp(), self.TotalProcessorTime, postmasterPid is { } pid ? Postgres(pid) : null, busy, total);
    }

    public static CpuUse Between(Sample a, Sample b, long operations)
    {
        var seconds = (b.Timestamp - a.Timestamp) / (double)Stopwatch.Frequency;
        var bench = (b.Process - a.Process).TotalSeconds;
        double? pg = a.PostgresSeconds is { } p0 && b.PostgresSeconds is { } p1 ? Math.Max(0, p1 - p0) : null;
        var machine = b.MachineTotal > a.MachineTotal ? 100.0 * (b.MachineBusy - a.MachineBusy) / (b.MachineTotal - a.MachineTotal) : 0;
        var ops = Math.Max(1, operations);
        return new CpuUse(Math.Round(bench / seconds, 2), pg is { } x ? Math.Round(x / seconds, 2) : null, Math.Round(machine, 1),
            Math.Round(bench * 1000 / ops, 3), pg is { } y ? Math.Round(y * 1000 / ops, 3) : null);
    }

    /// <summary>The parent of a backend is the postmaster.</summary>
    public static int? ParentOf(int pid)
    {
        // Only when the backend runs on this machine: a remote server's pid may name some local process.
        try
        {
            if (!File.ReadAllText($"/proc/{pid}/comm").StartsWith("postgres", StringComparison.Ordinal)) return null;
        }
        catch (IOException)
        {
            return null;
        }
        return Stat(pid) is { } fields ? int.Parse(fields[1], CultureInfo.InvariantCulture) : null;
    }

    private static double? Postgres(int postmaster)
    {
        if (Stat(postmaster) is not { } own) return null;
        // Its own time plus the time of children it has reaped (cutime, cstime) plus every live child.
        double ticks = Field(own, 14) + Field(own, 15) + Field(own, 16) + Field(own, 17);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == postmaster) continue;
            if (Stat(pid) is { } fields && fields[1] == postmaster.ToString(CultureInfo.InvariantCulture))
                ticks += Field(fields, 14) + Field(fields, 15);
        }
        return ticks / TicksPerSecond;
    }

    /// <summary>Fields of /proc/PID/stat after the command name: index 0 is field 3 (state), so field k is at k-3.</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var close = text.LastIndexOf(')');
            return text[(close + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long Field(string[] fields, int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);

    private static (long Busy, long Total) Machine()
    {
        try
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
                .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var total = cpu.Sum();
            var idle = cpu[3] + cpu[4]; // idle + iowait
            return (total - idle, total);
        }
        catch (IOException)
        {
            return (0, 0);
        }
    }
}
