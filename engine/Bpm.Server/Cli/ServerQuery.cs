using Spectre.Console;

namespace Bpm.Server.Cli;

/// <summary>
/// One request of a verb that reads from the server: the reply's value, or, when the server cannot be reached or
/// refuses, what went wrong said once in the verb's name and the verb's exit code (4 unreachable, 2 for a 400, else 3).
/// </summary>
internal static class ServerQuery
{
    public const int Ok = 0, Usage = 2, Refused = 3, Unreachable = 4;

    public static async Task<(T? Value, int Exit)> AskAsync<T>(string verb, Func<Task<ServerReply<T>>> ask, IAnsiConsole console) where T : class
    {
        ServerReply<T> reply;
        try
        {
            reply = await ask();
        }
        catch (ServerUnreachableException e)
        {
            console.MarkupLineInterpolated($"[red]{verb}: {e.Message}[/]");
            return (null, Unreachable);
        }
        if (reply.Problem is not { } problem) return (reply.Value!, Ok);

        var code = problem.Code is null ? "" : $" ({problem.Code})";
        console.MarkupLineInterpolated($"[red]{verb}: the server refused: {problem.Status} {problem.Title}{code}[/]");
        if (problem.Detail is { Length: > 0 } detail) console.MarkupLineInterpolated($"[red]  {detail}[/]");
        if (ServerClient.IsUnauthorized(problem))
            console.MarkupLineInterpolated($"[grey]  sign in: pass --token or set {ServerConnection.TokenVariable}[/]");
        return (null, problem.Status == 400 ? Usage : Refused);
    }
}
