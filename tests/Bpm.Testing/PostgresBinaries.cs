namespace Bpm.Testing;

/// <summary>Where the PostgreSQL server programs (initdb, pg_ctl) live on this machine.</summary>
internal sealed record PostgresBinaries(string BinDirectory)
{
    // Debian keeps server binaries out of PATH, one directory per major version; 15 is what we target.
    private const string DebianVersionsDirectory = "/usr/lib/postgresql";
    private const string DebianBinDirectory = DebianVersionsDirectory + "/15/bin";

    public string InitDb => Path.Combine(BinDirectory, "initdb");

    public string PgCtl => Path.Combine(BinDirectory, "pg_ctl");

    public static async Task<PostgresBinaries> FindAsync(CancellationToken ct)
    {
        List<string> candidates = [DebianBinDirectory];
        if (await PgConfigBinDirectoryAsync(ct) is { } fromPgConfig)
        {
            candidates.Add(fromPgConfig);
        }
        // PATH often holds symlinks (e.g. /usr/local/bin/initdb); use the directory they point into.
        if (ProcessRunner.FindExecutable("initdb") is { } initdbOnPath && RealPath(initdbOnPath) is { } initdb)
        {
            candidates.Add(Path.GetDirectoryName(initdb)!);
        }
        // Last resort: whatever newer major version the distro's `postgresql` package brought.
        if (Directory.Exists(DebianVersionsDirectory))
        {
            candidates.AddRange(Directory.GetDirectories(DebianVersionsDirectory)
                .Select(dir => (Dir: dir, Version: int.TryParse(Path.GetFileName(dir), out var v) ? v : 0))
                .Where(x => x.Version >= 15)
                .OrderByDescending(x => x.Version)
                .Select(x => Path.Combine(x.Dir, "bin")));
        }

        return candidates.Select(dir => new PostgresBinaries(dir))
                   .FirstOrDefault(b => RealPath(b.InitDb) is not null && RealPath(b.PgCtl) is not null)
               ?? throw new PostgresUnavailableException(
                   "PostgreSQL server binaries (initdb, pg_ctl) were not found in "
                   + string.Join(", ", candidates.Distinct().Append("`pg_config --bindir`").Append("PATH"))
                   + ". Install them with `apt-get install -y postgresql` (./test.sh does this), "
                   + $"or set {PostgresServer.EnvironmentVariable} to the Npgsql connection string of an existing server.");
    }

    /// <summary>The file a path finally refers to, or null if it (or a symlink's target) does not exist.</summary>
    private static string? RealPath(string path)
    {
        var file = new FileInfo(path);
        var target = file.LinkTarget is null ? file : file.ResolveLinkTarget(returnFinalTarget: true);
        return target is { Exists: true } ? target.FullName : null;
    }

    private static async Task<string?> PgConfigBinDirectoryAsync(CancellationToken ct)
    {
        // pg_config may come from libpq-dev without any server installed; then its bindir simply won't contain initdb.
        if (ProcessRunner.FindExecutable("pg_config") is not { } pgConfig)
        {
            return null;
        }
        var result = await ProcessRunner.RunAsync(new Command(pgConfig, ["--bindir"]), Path.GetTempPath(), ct);
        return result.Succeeded && result.Output.Trim() is { Length: > 0 } dir ? dir : null;
    }
}

/// <summary>PostgreSQL is needed by a test but cannot be found or started here.</summary>
public sealed class PostgresUnavailableException(string message, Exception? inner = null)
    : Exception(message, inner);
