using System.Globalization;
using System.Text;

namespace Bpm.Bench;

/// <summary>The readable tables: one per provider and a summary.</summary>
internal static class Report
{
    public const double TargetRatio = 0.5;

    public static string Mb(long bytes) => $"{bytes / (1024.0 * 1024.0):N1} MB";

    private static string N(double value, int decimals = 0) => value.ToString("N" + decimals, CultureInfo.InvariantCulture);

    public static string Cpu(CpuUse cpu, string per) =>
        $"cpu: bench {N(cpu.BenchCores, 2)} cores ({N(cpu.BenchCpuMsPerOp, 3)} ms/{per})"
        + (cpu.PostgresCores is { } pg ? $", postgres {N(pg, 2)} cores ({N(cpu.PostgresCpuMsPerOp ?? 0, 3)} ms/{per})" : "")
        + $", anything else {N(cpu.OtherCores, 2)} cores; machine {N(cpu.MachineBusyPercent, 0)}% busy of {Environment.ProcessorCount} cores";

    private static string LatencyRow(string label, LatencySummary l) =>
        $"  {label,-22}{l.Count,8:N0}{N(l.MeanMs, 2),9}{N(l.P50Ms, 2),9}{N(l.P90Ms, 2),9}{N(l.P99Ms, 2),9}{N(l.MaxMs, 2),10}";

    private const string LatencyHeader = "  latency (ms)             count     mean      p50      p90      p99       max";

    public static string Provider(ProviderResult r)
    {
        var s = new StringBuilder();
        s.AppendLine();
        s.AppendLine($"=== {r.Provider} ({r.Database}) ===");
        s.AppendLine();
        var raw = r.Raw;
        s.AppendLine($"raw single-row INSERT commits, autocommit ({raw.Clients} clients, {N(raw.Seconds, 1)} s)");
        s.AppendLine($"  commits/s            {N(raw.CommitsPerSecond, 1),12}    ({N(raw.Commits)} commits)");
        s.AppendLine(LatencyHeader);
        s.AppendLine(LatencyRow("commit", raw.Latency));
        s.AppendLine("  " + Cpu(raw.Cpu, "commit"));
        s.AppendLine();
        AppendEngine(s, "engine: joint-approval cases end to end (XK00301001, 8 commands each)", r.Engine);
        s.AppendLine($"  rollup pump alongside: {N(r.Rollups.FoldedDuringRun)} feed rows counted during the run, {N(r.Rollups.BacklogAtEnd)} left at its end (counted in {N(r.Rollups.CatchUpMs, 0)} ms)");
        s.AppendLine($"  ratio commands/s ÷ raw commits/s   {N(r.Ratio, 3)}   (target ≥ {N(TargetRatio, 1)}: {(r.Ratio >= TargetRatio ? "met" : "MISSED")})");
        if (r.Floor is { } f)
        {
            s.AppendLine();
            s.AppendLine("the floor: one review step's rows read and written by hand-written, prepared SQL, no engine (optimistic: indexed columns unchanged)");
            foreach (var run in new[] { f.ReadWrite, f.WriteOnly })
            {
                s.AppendLine($"  {run.What,-30} {N(run.CommandsPerSecond, 0),8}/s   ratio {N(run.Ratio, 3)}   p50 {N(run.Latency.P50Ms, 2)} ms");
                s.AppendLine("    " + Cpu(run.Cpu, "command"));
            }
            s.AppendLine($"  the engine reaches {N(r.Engine.CommandsPerSecond / f.ReadWrite.CommandsPerSecond * 100, 0)}% of the read + write floor");
        }
        if (r.Profile is { } p)
        {
            s.AppendLine();
            s.AppendLine($"profile: {N(p.Cases)} more cases through a timing decorator of IEngineStore ({p.Clients} clients)");
            s.AppendLine($"  command mean {N(p.CommandMeanMs, 3)} ms = in store {N(p.InStoreMsPerCommand, 3)} ms + outside store (engine, EF graph, hashing, awaiting) {N(p.OutsideStoreMsPerCommand, 3)} ms");
            s.AppendLine("  store call                         calls/cmd   mean ms   ms/cmd   share");
            foreach (var c in p.StoreCalls)
                s.AppendLine($"  {c.Call,-33}{N(c.PerCommand, 3),10}{N(c.MeanMs, 3),10}{N(c.MsPerCommand, 3),9}{c.Share * 100,7:0.0}%");
            if (p.RoundTrips is { } rt)
            {
                s.AppendLine();
                s.AppendLine($"round trips on the wire ({N(rt.Cases)} cases, 1 client, through a counting TCP relay)");
                s.AppendLine($"  per command: {N(rt.RoundTripsPerCommand, 2)} round trips, {N(rt.StatementsPerCommand, 2)} Npgsql commands/batches, {N(rt.BytesSentPerCommand)} B sent, {N(rt.BytesReceivedPerCommand)} B received");
                s.AppendLine("  step                   round trips  commands   B sent  B recv");
                foreach (var step in rt.Steps)
                    s.AppendLine($"  {step.Step,-22}{N(step.RoundTrips, 2),12}{N(step.Statements, 2),10}{N(step.BytesSent),9}{N(step.BytesReceived),8}");
                s.AppendLine("  one case, statement by statement (a COMMIT or reset is a round trip with no command of its own):");
                foreach (var line in rt.OneCase) s.AppendLine("  " + line);
            }
        }
        if (r.Memory is { } m)
        {
            s.AppendLine();
            s.AppendLine($"open cases: {N(m.OpenCases)} applied and left at acceptance ({m.Clients} clients, {N(m.Seconds, 1)} s, {N(m.AppliesPerSecond, 1)} applies/s)");
            foreach (var point in m.Points) s.AppendLine(OpenCases.Describe(point));
            s.AppendLine(LatencyHeader);
            s.AppendLine(LatencyRow("apply", m.ApplyLatency));
            s.AppendLine($"  running cases in the database: {N(m.RunningCasesInDatabase)}");
            var first = m.Points[0];
            var last = m.Points[^1];
            s.AppendLine($"  growth 0 → {N(last.OpenCases)} open cases: working set {Signed(last.WorkingSetBytes - first.WorkingSetBytes)}, managed heap {Signed(last.ManagedHeapBytes - first.ManagedHeapBytes)}");
        }
        if (r.AfterOpenCases is { } after)
        {
            s.AppendLine();
            AppendEngine(s, $"engine again, with the open cases in the database", after);
        }
        return s.ToString();
    }

    private static string Signed(long bytes) => (bytes >= 0 ? "+" : "−") + Mb(Math.Abs(bytes));

    private static void AppendEngine(StringBuilder s, string title, EngineRunResult e)
    {
        s.AppendLine($"{title}");
        s.AppendLine($"  {N(e.Cases)} cases, {N(e.Commands)} commands, {e.Clients} clients, {N(e.Seconds, 2)} s, {e.Failed} failed, {N(e.Retries)} retries (concurrency conflicts)");
        s.AppendLine($"  cases/s              {N(e.CasesPerSecond, 1),12}");
        s.AppendLine($"  commands/s           {N(e.CommandsPerSecond, 1),12}");
        s.AppendLine(LatencyHeader);
        s.AppendLine(LatencyRow("all commands", e.Latency));
        foreach (var step in e.Steps) s.AppendLine(LatencyRow(step.Step, step.Latency));
        s.AppendLine("  " + Cpu(e.Cpu, "command"));
        foreach (var error in e.Errors) s.AppendLine($"  error: {error}");
    }

    public static string Summary(BenchResults results)
    {
        var s = new StringBuilder();
        var providers = new[] { results.Postgres, results.Sqlite }.OfType<ProviderResult>().ToList();
        s.AppendLine();
        s.AppendLine("=== Summary ===");
        s.AppendLine($"{results.Options.Cases:N0} cases × 8 commands per provider, {results.Options.Clients} clients; {results.Machine.Cores} cores shared by the bench, the engine and the database; {results.Machine.Gc}");
        s.Append($"{"",-40}");
        foreach (var p in providers) s.Append($"{p.Provider,16}");
        s.AppendLine();
        void Row(string label, Func<ProviderResult, string> value)
        {
            s.Append($"{label,-40}");
            foreach (var p in providers) s.Append($"{value(p),16}");
            s.AppendLine();
        }
        Row("raw single-row commits/s", p => N(p.Raw.CommitsPerSecond, 0));
        Row("engine cases/s", p => N(p.Engine.CasesPerSecond, 1));
        Row("engine commands/s", p => N(p.Engine.CommandsPerSecond, 0));
        Row("command latency p50 (ms)", p => N(p.Engine.Latency.P50Ms, 2));
        Row("command latency p99 (ms)", p => N(p.Engine.Latency.P99Ms, 2));
        Row("ratio commands/s ÷ raw commits/s", p => N(p.Ratio, 3));
        Row("floor ratio, read + write / write only", p => p.Floor is { } f ? $"{N(f.ReadWrite.Ratio, 3)} / {N(f.WriteOnly.Ratio, 3)}" : "-");
        Row("retries / failed cases", p => $"{p.Engine.Retries} / {p.Engine.Failed}");
        Row("bench CPU ms per command", p => N(p.Engine.Cpu.BenchCpuMsPerOp, 3));
        Row("PostgreSQL CPU ms per command", p => p.Engine.Cpu.PostgresCpuMsPerOp is { } v ? N(v, 3) : "-");
        Row("cores used by anything else (engine run)", p => N(p.Engine.Cpu.OtherCores, 2));
        Row("CPU ms per raw commit (bench + db)", p => N(p.Raw.Cpu.BenchCpuMsPerOp + (p.Raw.Cpu.PostgresCpuMsPerOp ?? 0), 3));
        Row("CPU ms per command (bench + db)", p => N(p.Engine.Cpu.BenchCpuMsPerOp + (p.Engine.Cpu.PostgresCpuMsPerOp ?? 0), 3));
        Row("round trips per command", p => p.Profile?.RoundTrips is { } rt ? N(rt.RoundTripsPerCommand, 2) : "-");
        if (results.Postgres is { } pg)
            s.AppendLine($"target: PostgreSQL ratio ≥ {N(TargetRatio, 1)} with {pg.Engine.Clients} clients: {(pg.Ratio >= TargetRatio ? "MET" : "MISSED")} ({N(pg.Ratio, 3)})");
        foreach (var p in providers.Where(p => p.Memory is not null))
        {
            var m = p.Memory!;
            s.AppendLine($"memory on {p.Provider}: working set {string.Join(" → ", m.Points.Select(x => $"{Mb(x.WorkingSetBytes)} @{x.OpenCases:N0}"))}");
            s.AppendLine($"{"",-10}managed heap {string.Join(" → ", m.Points.Select(x => $"{Mb(x.ManagedHeapBytes)} @{x.OpenCases:N0}"))}");
            var growth = m.Points[^1].WorkingSetBytes - m.Points[0].WorkingSetBytes;
            s.AppendLine($"{"",-10}{N(m.AppliesPerSecond, 0)} applies/s; working set after {N(m.Points[^1].OpenCases)} open cases: {Mb(m.Points[^1].WorkingSetBytes)} ({Signed(growth)} from 0)");
        }
        s.AppendLine($"total time {N(results.TotalSeconds, 1)} s");
        return s.ToString();
    }
}
