using System.Diagnostics;
using System.Text.RegularExpressions;
using Bpm.Engine;
using Bpm.Engine.Commands;
using Bpm.Storage;
using Npgsql;

namespace Bpm.Bench;

/// <summary>Where a command's time goes: store calls timed through the port, and SQL round trips counted on the wire.</summary>
internal static partial class Profile
{
    public static async Task<ProfileResult> RunAsync(EngineStore store, StorageProvider provider, string connectionString, int cases, int clients,
        CancellationToken ct)
    {
        // 1. The same workload through a timing decorator of the port.
        var timing = new TimingStore(store);
        var engine = new CaseEngine(timing.Store);
        var code = await JointCase.PublishAsync(engine, ct);
        await ClientPool.RunAsync(Math.Min(10, cases), clients, (_, n) => JointCase.RunAsync(code, n, CaseDriver.Plain(engine, ct)), ct);
        timing.Reset();
        var perClient = Enumerable.Range(0, clients).Select(_ => new Latencies()).ToArray();
        var executors = perClient.Select(l => CaseDriver.Timed(engine, l, ct)).ToArray();
        await ClientPool.RunAsync(cases, clients, (client, n) => JointCase.RunAsync(code, n, executors[client]), ct);
        var all = Latencies.Merge(perClient).All.ToArray();
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        var commands = Math.Max(1, all.Length);
        var commandMs = all.Sum(t => Ms(t)) / commands;
        var calls = timing.Calls
            .Select(c => (Name: c.Key, Calls: Interlocked.Read(ref c.Value.Calls), Ms: Ms(Interlocked.Read(ref c.Value.Ticks))))
            .OrderByDescending(c => c.Ms)
            .Select(c => new StoreCallFigure(c.Name, Math.Round(c.Calls / (double)commands, 3), Math.Round(c.Ms / Math.Max(1, c.Calls), 3),
                Math.Round(c.Ms / commands, 3), Math.Round(c.Ms / commands / commandMs, 3)))
            .ToList();
        var inStore = calls.Sum(c => c.MsPerCommand);

        // 2. Round trips per command on the wire (PostgreSQL over TCP only), one client so they can be told apart.
        RoundTripProfile? roundTrips = null;
        if (provider == StorageProvider.Postgres && new NpgsqlConnectionStringBuilder(connectionString) is { Host: { } host } builder
            && !host.StartsWith('/') && !host.Contains(','))
        {
            roundTrips = await RoundTripsAsync(host, builder, Math.Clamp(cases / 10, 5, 20), ct);
        }

        return new ProfileResult(cases, clients, Math.Round(commandMs, 3), Math.Round(inStore, 3), Math.Round(commandMs - inStore, 3), calls, roundTrips);
    }

    private static async Task<RoundTripProfile> RoundTripsAsync(string host, NpgsqlConnectionStringBuilder builder, int cases, CancellationToken ct)
    {
        await using var proxy = new RoundTripProxy(host, builder.Port);
        var proxied = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Host = "127.0.0.1", Port = proxy.Port }.ConnectionString;
        await using var store = BpmStorage.Postgres(proxied);
        var engine = new CaseEngine(store);
        var code = await JointCase.PublishAsync(engine, ct);
        for (var i = 0; i < 3; i++) await JointCase.RunAsync(code, -i, CaseDriver.Plain(engine, ct)); // pool, prepared statements, caches

        var steps = JointCase.Steps.ToDictionary(s => s, _ => new long[4]); // round trips, statements, bytes sent, bytes received
        var oneCase = new List<string>();
        string? current = null;
        var capture = false;
        long statements = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                Interlocked.Increment(ref statements);
                if (capture) lock (oneCase) oneCase.Add($"  {current,-21} {Summarize(activity.GetTagItem("db.query.text") as string ?? activity.DisplayName)}");
            },
        };
        ActivitySource.AddActivityListener(listener);

        for (var n = 1; n <= cases; n++)
        {
            capture = n == cases;
            await JointCase.RunAsync(code, 1_000_000 + n, async (step, command) =>
            {
                current = step;
                var before = proxy.Snapshot();
                var statementsBefore = Interlocked.Read(ref statements);
                if (capture) oneCase.Add($"{step}:");
                var result = await engine.ExecuteAsync(command, ct);
                var after = proxy.Snapshot();
                var figures = steps[step];
                figures[0] += after.RoundTrips - before.RoundTrips;
                figures[1] += Interlocked.Read(ref statements) - statementsBefore;
                figures[2] += after.BytesSent - before.BytesSent;
                figures[3] += after.BytesReceived - before.BytesReceived;
                if (capture) oneCase.Add($"  = {after.RoundTrips - before.RoundTrips} round trips");
                return result;
            });
        }
        var perStep = JointCase.Steps.Select(s => steps[s])
            .Select((f, i) => new StepRoundTrips(JointCase.Steps[i], Math.Round(f[0] / (double)cases, 2), Math.Round(f[1] / (double)cases, 2),
                Math.Round(f[2] / (double)cases), Math.Round(f[3] / (double)cases)))
            .ToList();
        double PerCommand(int i) => Math.Round(steps.Values.Sum(f => f[i]) / (double)(cases * JointCase.CommandsPerCase), 2);
        return new RoundTripProfile(cases, PerCommand(0), PerCommand(1), PerCommand(2), PerCommand(3), perStep, oneCase);
    }

    /// <summary>A statement batch as its statements' first words: <c>INSERT INTO journal_entries ×3; UPDATE cases</c>.</summary>
    public static string Summarize(string sql)
    {
        var parts = sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Head().Match(Quotes().Replace(s, "")) is { Success: true } m
                ? (m.Groups["table"].Success ? $"{m.Groups["verb"].Value.ToUpperInvariant()} {m.Groups["table"].Value}" : m.Groups["verb"].Value)
                : "")
            .Where(s => s.Length > 0)
            .ToList();
        var grouped = new List<(string Text, int Count)>();
        foreach (var part in parts)
        {
            if (grouped.Count > 0 && grouped[^1].Text == part) grouped[^1] = (part, grouped[^1].Count + 1);
            else grouped.Add((part, 1));
        }
        return string.Join("; ", grouped.Select(g => g.Count > 1 ? $"{g.Text} ×{g.Count}" : g.Text));
    }

    // SELECT … FROM table / INSERT INTO table / UPDATE table / DELETE FROM table / anything else: its first two words.
    [GeneratedRegex(@"^(?:(?<verb>SELECT)\b.*?\bFROM\s+(?<table>[^\s(]+)|(?<verb>INSERT INTO|UPDATE|DELETE FROM)\s+(?<table>\S+)|(?<verb>\S+(?:\s+\S+)?))",
        RegexOptions.Singleline | RegexOptions.IgnoreCase | RegexOptions.ExplicitCapture)]
    private static partial Regex Head();

    [GeneratedRegex("\"")]
    private static partial Regex Quotes();
}
