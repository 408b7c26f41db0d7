using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Bpm.Testing;

/// <summary>Exit code and combined stdout+stderr of a finished child process.</summary>
internal sealed record ProcessResult(int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>A command line: executable plus arguments, never passed through a shell unless quoted explicitly.</summary>
internal sealed record Command(string FileName, IReadOnlyList<string> Arguments)
{
    public override string ToString() => ProcessRunner.ShellQuote([FileName, .. Arguments]);
}

internal static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(Command command, string workingDirectory, CancellationToken ct)
    {
        using var process = Start(command, workingDirectory);
        // Read both streams concurrently, otherwise a chatty child can block on a full pipe.
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            TryKill(process);
            throw;
        }
        return new ProcessResult(process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Synchronous variant for AppDomain.ProcessExit, where async continuations may never run.</summary>
    public static ProcessResult Run(Command command, string workingDirectory, TimeSpan timeout)
    {
        using var process = Start(command, workingDirectory);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            TryKill(process);
            return new ProcessResult(-1, $"timed out after {timeout.TotalSeconds:0}s: {command}");
        }
        return new ProcessResult(process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Absolute path of an executable found in PATH (plus sbin dirs, which non-login root shells may lack).</summary>
    public static string? FindExecutable(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var dirs = path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]);
        return dirs.Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
    }

    /// <summary>POSIX-shell quoting, for the few places where a command must go through sh.</summary>
    public static string ShellQuote(IEnumerable<string> words) =>
        string.Join(' ', words.Select(w => "'" + w.Replace("'", "'\\''") + "'"));

    private static Process Start(Command command, string workingDirectory)
    {
        var info = new ProcessStartInfo(command.FileName)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in command.Arguments)
        {
            info.ArgumentList.Add(argument);
        }
        try
        {
            return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {command}");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start {command}: {e.Message}", e);
        }
    }

    private static void TryKill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
