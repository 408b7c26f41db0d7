using System.CommandLine;
using Bpm.Bench;

var cases = new Option<int>("--cases") { Description = "Joint-approval cases run end to end per provider (8 commands each).", DefaultValueFactory = _ => 2000 };
var clients = new Option<int>("--clients") { Description = "Concurrent clients, for the engine run, the raw commit rate and the open cases.", DefaultValueFactory = _ => 4 };
var openCases = new Option<int>("--open-cases") { Description = "Cases applied and left open for the memory check (0 skips it).", DefaultValueFactory = _ => 100_000 };
var provider = new Option<string>("--provider") { Description = "postgres, sqlite or both.", DefaultValueFactory = _ => "both" };
provider.AcceptOnlyFromAmong("postgres", "sqlite", "both");
var postgres = new Option<string?>("--postgres") { Description = "Npgsql connection string of an existing, empty database (default: a throwaway PostgreSQL 15 from Bpm.Testing, fresh database)." };
var sqlite = new Option<string?>("--sqlite") { Description = "SQLite file (default: a new temporary file, deleted afterwards)." };
var rawSeconds = new Option<int>("--raw-seconds") { Description = "How long the raw single-row insert commit rate is measured.", DefaultValueFactory = _ => 10 };
var warmupCases = new Option<int>("--warmup-cases") { Description = "Cases run before measuring (not counted), so the JIT has reached its optimized code.", DefaultValueFactory = _ => 300 };
var profileCases = new Option<int>("--profile-cases") { Description = "Cases run afterwards through a timing store and (PostgreSQL) a round-trip counting proxy (0 skips it).", DefaultValueFactory = _ => 200 };
var afterOpenCases = new Option<int>("--after-open-cases") { Description = "Cases run end to end again once the open cases are in the database (0 skips it).", DefaultValueFactory = _ => 200 };
var sqliteMemory = new Option<bool>("--sqlite-memory") { Description = "With --provider both, also run the open-cases memory check on SQLite." };
var durable = new Option<bool>("--durable") { Description = "Turn fsync, synchronous_commit and full_page_writes on in the throwaway PostgreSQL (it is configured for tests, without them), so commits wait for the disk." };
var output = new Option<string?>("--output") { Description = "Where to write the figures as JSON (default samples/bench/results/latest.json)." };

var root = new RootCommand("BpmServer benchmark: joint-approval cases end to end on PostgreSQL and SQLite against the raw commit rate of the same database.")
{
    cases, clients, openCases, provider, postgres, sqlite, rawSeconds, warmupCases, profileCases, afterOpenCases, sqliteMemory, durable, output,
};
root.SetAction((parse, ct) => Benchmark.RunAsync(new BenchOptions(
    Cases: parse.GetValue(cases),
    Clients: parse.GetValue(clients),
    OpenCases: parse.GetValue(openCases),
    Provider: parse.GetValue(provider)!,
    Postgres: parse.GetValue(postgres),
    Sqlite: parse.GetValue(sqlite),
    RawSeconds: parse.GetValue(rawSeconds),
    WarmupCases: parse.GetValue(warmupCases),
    ProfileCases: parse.GetValue(profileCases),
    AfterOpenCases: parse.GetValue(afterOpenCases),
    SqliteMemory: parse.GetValue(sqliteMemory),
    Durable: parse.GetValue(durable),
    Output: parse.GetValue(output)), ct));
var timerCount = new Option<int>("--count") { Description = "Timers due within the one minute, per distribution.", DefaultValueFactory = _ => 10_000 };
var distributions = new Option<string[]>("--distribution")
{
    Description = "Due times within the minute: uniform (spread evenly), bursty (all in the first --burst-seconds), instant (all at 17:30:00.000). Repeatable.",
    DefaultValueFactory = _ => TimerLateness.AllDistributions,
    AllowMultipleArgumentsPerToken = true,
};
distributions.AcceptOnlyFromAmong(TimerLateness.AllDistributions);
var interval = new Option<int>("--interval") { Description = "Milliseconds between pump passes (the Quartz trigger's interval; the server's default is 1000).", DefaultValueFactory = _ => 1000 };
var lookAhead = new Option<int?>("--look-ahead") { Description = "Milliseconds a pass reads ahead and waits for (default: the server's default for the interval)." };
var parallelism = new Option<int>("--parallelism") { Description = "Cases the pump fires timers of at once (the server's default is 8).", DefaultValueFactory = _ => 8 };
var batch = new Option<int>("--batch") { Description = "Due timers a pass reads at a time (the server's default is 500).", DefaultValueFactory = _ => 500 };
var burstSeconds = new Option<double>("--burst-seconds") { Description = "How many seconds at the start of the minute the bursty distribution is due in.", DefaultValueFactory = _ => 5 };
var phase = new Option<double>("--phase") { Description = "Where the pump's passes fall within an interval, relative to the minute (0 = on the due instant, 0.5 = half an interval after it).", DefaultValueFactory = _ => 0.5 };
var warmupTimers = new Option<int>("--warmup-timers") { Description = "Timers fired before the minute, not measured, so the firing path is JIT-optimized.", DefaultValueFactory = _ => 500 };
var timerOutput = new Option<string?>("--output") { Description = "Where to write the figures as JSON (default samples/bench/results/timers-latest.json)." };
var timers = new Command("timers", "Timer lateness on PostgreSQL: many timers due within one minute (uniform, bursty, same instant), fired by the pump on its interval.")
{
    timerCount, clients, distributions, interval, lookAhead, parallelism, batch, burstSeconds, phase, warmupTimers, postgres, timerOutput,
};
timers.SetAction((parse, ct) => TimerLateness.RunAsync(new TimerBenchOptions(
    Count: parse.GetValue(timerCount),
    Clients: parse.GetValue(clients),
    Distributions: parse.GetValue(distributions)!.Distinct().ToList(),
    Interval: TimeSpan.FromMilliseconds(parse.GetValue(interval)),
    LookAhead: parse.GetValue(lookAhead) is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
    Parallelism: parse.GetValue(parallelism),
    BatchSize: parse.GetValue(batch),
    BurstSeconds: parse.GetValue(burstSeconds),
    Phase: parse.GetValue(phase),
    WarmupTimers: parse.GetValue(warmupTimers),
    Postgres: parse.GetValue(postgres),
    Output: parse.GetValue(timerOutput)), ct));
root.Subcommands.Add(timers);
return await root.Parse(args).InvokeAsync();
