using System.Diagnostics;
using System.Text.Json.Nodes;
using Bpm.Definitions;
using Bpm.Engine;
using Bpm.Engine.Commands;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Testing;

namespace Bpm.Bench;

/// <summary>Runs one command; the step says which of the case's eight it is.</summary>
internal delegate Task<CommandResult> Executor(string step, CaseCommand command);

/// <summary>
/// The 建筑工程施工许可证核发 case (catalog XK00301001), driven exactly like the engine test
/// <c>Construction_permit_runs_from_application_to_certificate</c>: apply, accept, three departments review in
/// parallel (permit-review then permit-approve in one branch), the lead department consolidates and certifies.
/// </summary>
internal static class JointCase
{
    public const string CatalogFile = "XK00301001";

    public static readonly string[] Steps =
        ["apply", "accept", "fire-review", "civil-defence-review", "permit-review", "permit-approve", "consolidate", "certify"];

    public static int CommandsPerCase => Steps.Length;

    private static readonly Actor Applicant = new("91330000MA0000001X", "某某建设有限公司");

    private static readonly Lazy<string> Definition = new(() =>
        File.ReadAllText(RepositoryPaths.CatalogFiles().Single(f => Path.GetFileName(f).StartsWith(CatalogFile, StringComparison.Ordinal))));

    /// <summary>The catalog file, read once: every engine in the run publishes the same text, even if the file is edited meanwhile.</summary>
    public static string DefinitionText => Definition.Value;

    public static async Task<string> PublishAsync(CaseEngine engine, CancellationToken ct)
    {
        var published = await engine.Definitions.PublishAsync(DefinitionText, DefinitionFormat.Yaml, "bench", ct);
        return published.PowerCode;
    }

    public static Apply Application(string code, long n) => new(code, Applicant, new JsonObject
    {
        ["projectName"] = $"城南安置房{n}期",
        ["area"] = 38000,
        ["contractPrice"] = 96_000_000,
        ["civilDefenceRequired"] = true,
    });

    /// <summary>All eight commands; throws if the case does not end 准予.</summary>
    public static async Task RunAsync(string code, long n, Executor run)
    {
        var state = await run("apply", Application(code, n));
        state = await run("accept", new Accept(state.At("accept").Id, Handler("window-1")));
        state = await Complete(run, state, "fire-review", "同意", "fire-1", new JsonObject { ["fireOpinion"] = "消防设计审查合格" });
        state = await Complete(run, state, "civil-defence-review", "同意", "cd-1");
        state = await Complete(run, state, "permit-review", "同意", "permit-1");
        state = await Complete(run, state, "permit-approve", "同意", "permit-lead");
        state = await Complete(run, state, "consolidate", "准予", "director");
        state = await Complete(run, state, "certify", "同意", "window-2");
        if (state.Status != CaseStatus.Completed || state.Result != "准予")
            throw new InvalidOperationException($"case {state.CaseNo} ended {state.Status}/{state.Result}, expected Completed/准予");
    }

    private static Task<CommandResult> Complete(Executor run, CommandResult state, string node, string outcome, string handler, JsonObject? form = null) =>
        run(node, new Complete(state.At(node).Id, Handler(handler), outcome) { Opinion = $"{outcome}（{node}）", Form = form });

    private static Actor Handler(string id) => new(id, id);
}

internal static class CaseDriver
{
    /// <summary>Runs each command on the engine and records how long ExecuteAsync took.</summary>
    public static Executor Timed(CaseEngine engine, Latencies into, CancellationToken ct) => async (step, command) =>
    {
        var start = Stopwatch.GetTimestamp();
        var result = await engine.ExecuteAsync(command, ct);
        into.Add(step, Stopwatch.GetTimestamp() - start);
        return result;
    };

    public static Executor Plain(CaseEngine engine, CancellationToken ct) => (_, command) => engine.ExecuteAsync(command, ct);

    /// <summary>Whole cases on <paramref name="clients"/> concurrent clients, each case command by command.</summary>
    public static async Task<EngineRunResult> RunAsync(CaseEngine engine, string code, int cases, int clients, CpuMeter cpu, CancellationToken ct)
    {
        var perClient = Enumerable.Range(0, clients).Select(_ => new Latencies()).ToArray();
        var executors = perClient.Select(l => Timed(engine, l, ct)).ToArray();
        var retries = engine.Retries;
        var before = cpu.Take();
        var outcome = await ClientPool.RunAsync(cases, clients, (client, n) => JointCase.RunAsync(code, n, executors[client]), ct);
        var after = cpu.Take();
        var latencies = Latencies.Merge(perClient);
        return Summarize(latencies, cases, clients, outcome, engine.Retries - retries, CpuMeter.Between(before, after, latencies.All.LongCount()));
    }

    public static EngineRunResult Summarize(Latencies latencies, int cases, int clients, ClientPool.Outcome outcome, long retries, CpuUse cpu)
    {
        var commands = latencies.All.LongCount();
        var seconds = outcome.Elapsed.TotalSeconds;
        var steps = JointCase.Steps.Concat(latencies.Steps.Except(JointCase.Steps))
            .Where(s => latencies.Of(s).Count > 0)
            .Select(s => new StepLatency(s, Latencies.Summarize(latencies.Of(s)))).ToList();
        return new EngineRunResult(cases, clients, outcome.Failed, Math.Round(seconds, 3), commands,
            Math.Round((cases - outcome.Failed) / seconds, 1), Math.Round(commands / seconds, 1),
            Latencies.Summarize(latencies.All), steps, retries, cpu, outcome.Errors);
    }
}
