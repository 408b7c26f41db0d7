namespace Bpm.Bench;

public sealed record BenchOptions(
    int Cases,
    int Clients,
    int OpenCases,
    string Provider,
    string? Postgres,
    string? Sqlite,
    int RawSeconds,
    int WarmupCases,
    int ProfileCases,
    int AfterOpenCases,
    bool SqliteMemory,
    bool Durable,
    string? Output);

/// <summary>Everything one run measured; written to results/latest.json.</summary>
public sealed record BenchResults(
    DateTimeOffset StartedAt,
    MachineInfo Machine,
    BenchOptions Options,
    ProviderResult? Postgres,
    ProviderResult? Sqlite,
    double TotalSeconds);

public sealed record MachineInfo(int Cores, string Os, string Runtime, string Gc, string? PostgresVersion, IReadOnlyDictionary<string, string>? PostgresSettings);

public sealed record ProviderResult(
    string Provider,
    string Database,
    RawResult Raw,
    EngineRunResult Engine,
    // engine commands/s ÷ raw commits/s, both with the same clients on the same database
    double Ratio,
    RollupPumpResult Rollups,
    FloorResult? Floor,
    ProfileResult? Profile,
    MemoryResult? Memory,
    EngineRunResult? AfterOpenCases);

/// <summary>The rollup pump beside the engine run: feed rows it counted meanwhile, rows left at the end and how long counting them took.</summary>
public sealed record RollupPumpResult(long FoldedDuringRun, int BacklogAtEnd, double CatchUpMs);

/// <summary>A review step's reads and writes by hand-written SQL (<see cref="CommandFloor"/>): what no engine on this schema can beat.</summary>
public sealed record FloorResult(FloorRun ReadWrite, FloorRun WriteOnly);

public sealed record FloorRun(string What, long Commands, double Seconds, double CommandsPerSecond, double Ratio, LatencySummary Latency, CpuUse Cpu);

public sealed record RawResult(int Clients, double Seconds, long Commits, double CommitsPerSecond, LatencySummary Latency, CpuUse Cpu);

public sealed record EngineRunResult(
    int Cases,
    int Clients,
    int Failed,
    double Seconds,
    long Commands,
    double CasesPerSecond,
    double CommandsPerSecond,
    LatencySummary Latency,
    IReadOnlyList<StepLatency> Steps,
    long Retries,
    CpuUse Cpu,
    IReadOnlyList<string> Errors);

public sealed record LatencySummary(long Count, double MeanMs, double P50Ms, double P90Ms, double P99Ms, double MaxMs);

public sealed record StepLatency(string Step, LatencySummary Latency);

/// <summary>
/// CPU used during a phase, in cores (1.0 = one core busy the whole time): the bench process (engine + clients),
/// the PostgreSQL server's processes, and the whole machine (in %); plus CPU milliseconds per operation.
/// </summary>
public sealed record CpuUse(double BenchCores, double? PostgresCores, double MachineBusyPercent, double BenchCpuMsPerOp, double? PostgresCpuMsPerOp)
{
    /// <summary>Cores busy with anything else: other processes on the machine (builds, tests) and the kernel's own network work.</summary>
    public double OtherCores => Math.Round(Math.Max(0, MachineBusyPercent / 100 * Environment.ProcessorCount - BenchCores - (PostgresCores ?? 0)), 2);
}

public sealed record ProfileResult(
    int Cases,
    int Clients,
    double CommandMeanMs,
    double InStoreMsPerCommand,
    double OutsideStoreMsPerCommand,
    IReadOnlyList<StoreCallFigure> StoreCalls,
    RoundTripProfile? RoundTrips);

public sealed record StoreCallFigure(string Call, double PerCommand, double MeanMs, double MsPerCommand, double Share);

public sealed record RoundTripProfile(
    int Cases,
    double RoundTripsPerCommand,
    double StatementsPerCommand,
    double BytesSentPerCommand,
    double BytesReceivedPerCommand,
    IReadOnlyList<StepRoundTrips> Steps,
    IReadOnlyList<string> OneCase);

public sealed record StepRoundTrips(string Step, double RoundTrips, double Statements, double BytesSent, double BytesReceived);

public sealed record MemoryResult(
    int OpenCases,
    int Clients,
    double Seconds,
    double AppliesPerSecond,
    LatencySummary ApplyLatency,
    long RunningCasesInDatabase,
    IReadOnlyList<MemoryPoint> Points);

public sealed record MemoryPoint(int OpenCases, double Percent, long WorkingSetBytes, long ManagedHeapBytes, double SegmentAppliesPerSecond, int Gen2Collections);
