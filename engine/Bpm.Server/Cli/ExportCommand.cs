using System.CommandLine;
using Bpm.Storage.Exchange;

namespace Bpm.Server.Cli;

/// <summary>
/// `bpm export`: one GB/T 39046 dataset for a case or a time window, streamed from the server to a file or stdout as
/// JSON Lines or CSV.
/// </summary>
public static class ExportCommand
{
    public const int Ok = 0, Usage = 2, Refused = 3, Unreachable = 4;

    public static Command Create()
    {
        var (server, token) = CliVerbs.ServerOptions();
        var dataset = new Argument<string>("dataset")
        {
            Description = "application (办事申请), acceptance (事项受理), handling (事项办理), special-procedures (特别程序), completion (事项办结), evaluation (绩效评价) or supervision (电子监察)",
        };
        var caseId = new Option<Guid?>("--case") { Description = "Export one case (its id)" };
        var from = new Option<string?>("--from") { Description = "Window start, ISO date or time (Beijing time unless an offset is given)" };
        var to = new Option<string?>("--to") { Description = "Window end (exclusive)" };
        var format = new Option<string>("--format", "-f") { Description = "jsonl or csv", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "csv");
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write to this file (default: stdout)" };
        var command = new Command("export", "Export a GB/T 39046 dataset (per case or per time window) as JSON Lines or CSV")
        {
            dataset, server, token, caseId, from, to, format, output,
        };
        command.Action = new UsageCheckedAction(async (parse, ct) =>
        {
            var name = parse.GetValue(dataset)!;
            if (!ExchangeDatasets.Names.ContainsKey(name))
            {
                await Console.Error.WriteLineAsync($"export: unknown dataset '{name}'; use one of {string.Join(", ", ExchangeDatasets.Names.Keys)}");
                return Usage;
            }
            if (parse.GetValue(caseId) is null && (parse.GetValue(from) is null || parse.GetValue(to) is null))
            {
                await Console.Error.WriteLineAsync("export: give --case, or --from and --to");
                return Usage;
            }
            if (!ServerConnection.TryResolve(parse.GetValue(server), parse.GetValue(token), Environment.GetEnvironmentVariable, out var connection, out var error))
            {
                await Console.Error.WriteLineAsync($"export: {error}");
                return Usage;
            }
            using var client = ServerClient.Create(connection!, timeout: Timeout.InfiniteTimeSpan);
            var file = parse.GetValue(output);
            await using var target = file is null ? Console.OpenStandardOutput() : file.Create();
            return await RunAsync(client, name, [("caseId", parse.GetValue(caseId)?.ToString()), ("from", parse.GetValue(from)), ("to", parse.GetValue(to)), ("format", parse.GetValue(format))], target, Console.Error, ct);
        });
        return command;
    }

    public static async Task<int> RunAsync(ServerClient client, string dataset, IEnumerable<(string, string?)> query, Stream target, TextWriter errors, CancellationToken cancellationToken)
    {
        try
        {
            if (await client.ExportAsync(dataset, query, target, cancellationToken) is not { } problem) return Ok;
            await errors.WriteLineAsync($"export: the server refused: {problem.Status} {problem.Title}{(problem.Code is null ? "" : $" ({problem.Code})")}");
            if (problem.Detail is { Length: > 0 } detail) await errors.WriteLineAsync($"  {detail}");
            return problem.Status is 400 or 404 ? Usage : Refused;
        }
        catch (ServerUnreachableException e)
        {
            await errors.WriteLineAsync($"export: {e.Message}");
            return Unreachable;
        }
    }
}
