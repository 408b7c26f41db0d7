using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;

namespace Bpm.Testing;

/// <summary>
/// A throwaway PostgreSQL server for integration tests, shared by every test in the process.
/// Uses the server named by <c>BPM_TEST_POSTGRES</c> when set; otherwise initialises and starts a
/// private cluster in a temp directory and destroys it when the process exits.
/// </summary>
public sealed partial class PostgresServer
{
    /// <summary>Environment variable holding an Npgsql connection string of an existing server to use instead.</summary>
    public const string EnvironmentVariable = "BPM_TEST_POSTGRES";

    private const string Superuser = "postgres";
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    // The only static state. Task.Run keeps startup off xunit's synchronization context; the startup
    // itself is not tied to any caller's token, so one impatient caller cannot poison it for all others.
    private static readonly Lazy<Task<PostgresServer>> Shared = new(() => Task.Run(CreateSharedAsync));

    private readonly LocalCluster? _cluster;
    private int _stopped;

    private PostgresServer(string connectionString, LocalCluster? cluster)
    {
        ConnectionString = connectionString;
        _cluster = cluster;
    }

    /// <summary>Connection string of the maintenance database, with rights to create databases.</summary>
    public string ConnectionString { get; }

    /// <summary>True when the server comes from <see cref="EnvironmentVariable"/> rather than being started here.</summary>
    public bool IsExternal => _cluster is null;

    /// <summary>The process-wide server, started on first use.</summary>
    public static Task<PostgresServer> SharedAsync(CancellationToken ct = default) => Shared.Value.WaitAsync(ct);

    /// <summary>Creates an empty UTF-8 database with a unique name and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix, CancellationToken ct = default)
    {
        var name = UniqueDatabaseName(prefix);
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(ct);
        // template0 + explicit encoding/locale: an external server's template1 may be SQL_ASCII or locale-sorted.
        await using var create = new NpgsqlCommand(
            $"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'", connection);
        await create.ExecuteNonQueryAsync(ct);
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, disconnecting anyone still using it.</summary>
    public async Task DropDatabaseAsync(string connectionString, CancellationToken ct = default)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database
                   ?? throw new ArgumentException("Connection string names no database.", nameof(connectionString));
        if (name == new NpgsqlConnectionStringBuilder(ConnectionString).Database)
        {
            throw new ArgumentException($"Refusing to drop the maintenance database '{name}'.", nameof(connectionString));
        }
        // Idle pooled connections would otherwise be killed under the pool's feet by WITH (FORCE).
        NpgsqlConnection.ClearPool(new NpgsqlConnection(connectionString));
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(ct);
        await using var drop = new NpgsqlCommand(
            $"DROP DATABASE IF EXISTS \"{name.Replace("\"", "\"\"")}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync(ct);
    }

    private static async Task<PostgresServer> CreateSharedAsync()
    {
        using var timeout = new CancellationTokenSource(StartupTimeout);
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } external)
        {
            await WaitUntilAcceptingAsync(external, () => $"Is the server in {EnvironmentVariable} running?", timeout.Token);
            return new PostgresServer(external, cluster: null);
        }

        var server = await StartLocalAsync(timeout.Token);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    private static async Task<PostgresServer> StartLocalAsync(CancellationToken ct)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PostgresUnavailableException(
                $"Starting a local PostgreSQL is only supported on Linux/macOS; set {EnvironmentVariable} instead.");
        }
        var binaries = await PostgresBinaries.FindAsync(ct);
        var user = PostgresServerUser.Detect();
        // Under root, TMPDIR may point into root's private home, which the postgres user cannot enter.
        var tempRoot = user.SwitchTo is null ? Path.GetTempPath() : "/tmp";
        var baseDirectory = Path.Combine(tempRoot, $"bpm-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(baseDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var cluster = new LocalCluster(baseDirectory, binaries, user);
        try
        {
            await user.GrantAsync(baseDirectory, ct);
            await cluster.InitAsync(ct);
            var connectionString = await cluster.StartAsync(ct);
            await WaitUntilAcceptingAsync(connectionString, cluster.LogTail, ct);
            cluster.StartWatchdog();
            return new PostgresServer(connectionString, cluster);
        }
        catch
        {
            StopQuietly(cluster);
            throw;
        }
    }

    /// <summary>Stops the local server and deletes its directory. Synchronous: it runs in ProcessExit.</summary>
    private void Stop()
    {
        if (_cluster is not null && Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            StopQuietly(_cluster);
        }
    }

    private static void StopQuietly(LocalCluster cluster)
    {
        try
        {
            cluster.Stop();
        }
        catch (Exception e)
        {
            // Nothing sensible to do this late; leave a trace for whoever finds the leftover directory.
            Console.Error.WriteLine($"[Bpm.Testing] stopping PostgreSQL in {cluster.BaseDirectory} failed: {e.Message}");
        }
    }

    private static async Task WaitUntilAcceptingAsync(string connectionString, Func<string> diagnostics, CancellationToken ct)
    {
        // No pooling: a pooled connection from a failed attempt must not be reused.
        var probe = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3 }.ConnectionString;
        Exception? last = null;
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(probe);
                await connection.OpenAsync(ct);
                return;
            }
            catch (PostgresException e) when (e.SqlState != PostgresErrorCodes.CannotConnectNow)
            {
                // The server answered and said no (bad password, missing database): waiting will not help.
                throw new PostgresUnavailableException($"PostgreSQL refused the connection: {e.Message}\n{diagnostics()}", e);
            }
            catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException && !ct.IsCancellationRequested)
            {
                last = e; // Not up yet.
            }
            catch (OperationCanceledException)
            {
                break;
            }
            try
            {
                await Task.Delay(200, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        throw new PostgresUnavailableException(
            $"PostgreSQL did not accept connections within {StartupTimeout.TotalSeconds:0}s. "
            + $"Last error: {last?.Message ?? "none"}\n{diagnostics()}", last);
    }

    private static string UniqueDatabaseName(string prefix)
    {
        var safe = NonIdentifierChars().Replace(prefix.ToLowerInvariant(), "_").Trim('_');
        if (safe.Length == 0 || char.IsAsciiDigit(safe[0]))
        {
            safe = "db_" + safe;
        }
        // PostgreSQL truncates identifiers at 63 bytes; cap the prefix so the random suffix survives.
        return $"{safe[..Math.Min(safe.Length, 40)]}_{Guid.NewGuid().ToString("N")[..16]}";
    }

    [GeneratedRegex("[^a-z0-9_]+")]
    private static partial Regex NonIdentifierChars();

    /// <summary>A cluster in <see cref="BaseDirectory"/>: data/ (PGDATA), server.log and the unix socket.</summary>
    private sealed class LocalCluster(string baseDirectory, PostgresBinaries binaries, PostgresServerUser user)
    {
        private const int MaxStartAttempts = 3;
        private Process? _watchdog;
        private bool _started;

        public string BaseDirectory { get; } = baseDirectory;

        private string DataDirectory => Path.Combine(BaseDirectory, "data");

        private string LogFile => Path.Combine(BaseDirectory, "server.log");

        public async Task InitAsync(CancellationToken ct)
        {
            var result = await RunAsync(ct, binaries.InitDb,
                "--pgdata", DataDirectory, "--username", Superuser, "--encoding", "UTF8", "--locale", "C",
                "--auth", "trust", "--no-sync", "--no-instructions");
            if (!result.Succeeded)
            {
                throw new PostgresUnavailableException($"initdb failed (exit {result.ExitCode}):\n{result.Output}");
            }

            // Trust is only acceptable because nothing but loopback and our private socket can reach the server.
            await File.WriteAllTextAsync(Path.Combine(DataDirectory, "pg_hba.conf"), """
                local all all trust
                host  all all 127.0.0.1/32 trust
                """ + "\n", ct);
            // Durability is worthless for a throwaway cluster; turning it off makes DDL-heavy tests much faster.
            await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), $"""

                # Bpm.Testing throwaway cluster
                listen_addresses = '127.0.0.1'
                unix_socket_directories = '{BaseDirectory.Replace("'", "''")}'
                max_connections = 300
                fsync = off
                synchronous_commit = off
                full_page_writes = off
                wal_level = minimal
                max_wal_senders = 0
                """ + "\n", ct);
        }

        /// <summary>Starts the server on a free loopback port; returns the maintenance connection string.</summary>
        public async Task<string> StartAsync(CancellationToken ct)
        {
            for (var attempt = 1; ; attempt++)
            {
                var port = FreeLoopbackPort();
                _started = true; // From here on a half-started server may need stopping.
                var result = await RunAsync(ct, binaries.PgCtl,
                    "start", "--pgdata", DataDirectory, "--log", LogFile, "--wait", "--timeout", "60",
                    "-o", $"-p {port}");
                if (result.Succeeded)
                {
                    return new NpgsqlConnectionStringBuilder
                    {
                        Host = "127.0.0.1",
                        Port = port,
                        Username = Superuser,
                        Database = "postgres",
                        IncludeErrorDetail = true,
                    }.ConnectionString;
                }
                // Another process may grab the port between our probe and the server's bind: retry.
                var portTaken = File.Exists(LogFile) && File.ReadAllText(LogFile).Contains("could not bind", StringComparison.Ordinal);
                if (!portTaken || attempt == MaxStartAttempts)
                {
                    throw new PostgresUnavailableException(
                        $"pg_ctl start failed (exit {result.ExitCode}):\n{result.Output}\n{LogTail()}");
                }
            }
        }

        /// <summary>
        /// ProcessExit does not run when the test host is killed (e.g. by a hang timeout). A detached shell
        /// holding the read end of a pipe from us notices our death as EOF and removes the cluster then.
        /// </summary>
        public void StartWatchdog()
        {
            var stop = user.Wrap(binaries.PgCtl, "stop", "--pgdata", DataDirectory, "--mode", "immediate", "--wait");
            var script = $"exec >/dev/null 2>&1; cat; {stop}; rm -rf -- {ProcessRunner.ShellQuote([BaseDirectory])}";
            var setsid = ProcessRunner.FindExecutable("setsid");
            var info = new ProcessStartInfo(setsid ?? "/bin/sh")
            {
                WorkingDirectory = BaseDirectory,
                UseShellExecute = false,
                RedirectStandardInput = true,
            };
            // setsid -f: reparent the watchdog to init so a kill of our process tree cannot take it along.
            foreach (var argument in setsid is null ? ["-c", script] : (string[])["-f", "/bin/sh", "-c", script])
            {
                info.ArgumentList.Add(argument);
            }
            _watchdog = Process.Start(info);
        }

        public void Stop()
        {
            if (_started && Directory.Exists(DataDirectory))
            {
                var result = ProcessRunner.Run(
                    user.Wrap(binaries.PgCtl, "stop", "--pgdata", DataDirectory, "--mode", "immediate", "--wait"),
                    BaseDirectory, StopTimeout);
                // Exit 3 with "no server running" is fine: it may have died already.
                if (!result.Succeeded && !result.Output.Contains("no server running", StringComparison.Ordinal)
                                      && !result.Output.Contains("PID file", StringComparison.Ordinal))
                {
                    Console.Error.WriteLine($"[Bpm.Testing] pg_ctl stop: {result.Output}");
                }
            }
            Directory.Delete(BaseDirectory, recursive: true);
            // The watchdog now finds nothing to do; closing its pipe lets it exit.
            _watchdog?.StandardInput.Close();
            _watchdog?.Dispose();
        }

        public string LogTail()
        {
            if (!File.Exists(LogFile))
            {
                return $"(no server log at {LogFile})";
            }
            var lines = File.ReadAllLines(LogFile);
            return $"Last lines of {LogFile}:\n" + string.Join('\n', lines.TakeLast(30));
        }

        private Task<ProcessResult> RunAsync(CancellationToken ct, string program, params IReadOnlyList<string> arguments) =>
            ProcessRunner.RunAsync(user.Wrap(program, arguments), BaseDirectory, ct);

        private static int FreeLoopbackPort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
