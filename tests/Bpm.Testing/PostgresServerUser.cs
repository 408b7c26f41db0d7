namespace Bpm.Testing;

/// <summary>
/// The OS account the server programs run under. initdb and postgres refuse to run as root, and
/// dev machines and CI both run tests as root, so there we switch to the Debian package's
/// <c>postgres</c> system user; otherwise we run them as ourselves.
/// </summary>
internal sealed record PostgresServerUser(string? SwitchTo)
{
    private const string SystemUser = "postgres";

    public static PostgresServerUser Detect()
    {
        // Environment.UserName resolves the *effective* uid, which is what postgres checks.
        if (Environment.UserName != "root")
        {
            return new PostgresServerUser((string?)null);
        }
        var known = File.ReadLines("/etc/passwd").Any(line => line.StartsWith(SystemUser + ":", StringComparison.Ordinal));
        return known
            ? new PostgresServerUser(SystemUser)
            : throw new PostgresUnavailableException(
                $"Tests run as root, but PostgreSQL refuses to run as root and there is no '{SystemUser}' user to switch to. "
                + "Install the `postgresql` package (it creates that user; ./test.sh does this).");
    }

    /// <summary>Makes <paramref name="directory"/> writable by the server user.</summary>
    public async Task GrantAsync(string directory, CancellationToken ct)
    {
        if (SwitchTo is null)
        {
            return;
        }
        var chown = ProcessRunner.FindExecutable("chown") ?? "chown";
        var result = await ProcessRunner.RunAsync(new Command(chown, [$"{SwitchTo}:", directory]), directory, ct);
        if (!result.Succeeded)
        {
            throw new PostgresUnavailableException($"Could not hand {directory} to user '{SwitchTo}': {result.Output}");
        }
    }

    /// <summary>Wraps a command so that it runs as the server user.</summary>
    public Command Wrap(string program, params IReadOnlyList<string> arguments)
    {
        if (SwitchTo is null)
        {
            return new Command(program, arguments);
        }
        // runuser (util-linux) needs no PAM session or password; su is the fallback where it is missing.
        if (ProcessRunner.FindExecutable("runuser") is { } runuser)
        {
            return new Command(runuser, ["-u", SwitchTo, "--", program, .. arguments]);
        }
        return new Command(ProcessRunner.FindExecutable("su") ?? "su",
            [SwitchTo, "-s", "/bin/sh", "-c", "exec " + ProcessRunner.ShellQuote([program, .. arguments])]);
    }
}
