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
var timerCount = new Option<int>("--count") { Description = "Timers due at the same instant.", DefaultValueFactory = _ => 10_000 };
var timers = new Command("timers", "Timer lateness on PostgreSQL: many timers due at the same instant, fired by the pump.") { timerCount, clients, postgres };
timers.SetAction((parse, ct) => TimerLateness.RunAsync(parse.GetValue(timerCount), parse.GetValue(clients), parse.GetValue(postgres), ct));
root.Subcommands.Add(timers);
return await root.Parse(args).InvokeAsync();
