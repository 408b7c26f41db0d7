using System.CommandLine;
using Bpm.Definitions;
using Bpm.Definitions.Diffing;
using Spectre.Console;

namespace Bpm.Server.Cli;

/// <summary>What to deploy: the files and folders as given, and whether to publish without asking.</summary>
public sealed record DeployRequest(IReadOnlyList<string> Inputs, bool Yes);

/// <summary>
/// `bpm deploy FILE|FOLDER… [--yes]`: uploads each definition as a draft, shows the server's findings and what it
/// changes against the published version, then publishes what the user confirms (or everything valid with --yes).
/// Uploads happen before any question, so the user decides having seen every file's findings and changes.
/// </summary>
public static class DeployCommand
{
    public const int Ok = 0, HasErrors = 1, Usage = 2, Refused = 3, Unreachable = 4;

    public static Command Create()
    {
        var inputs = new Argument<string[]>("files") { Description = "Definition files or folders (.yaml, .yml, .json)", Arity = ArgumentArity.ZeroOrMore };
        var yes = new Option<bool>("--yes", "-y") { Description = "Publish without asking (needed when stdin is not a terminal)" };
        var (server, token) = CliVerbs.ServerOptions();
        var command = new Command("deploy", "Upload definitions as drafts, show their findings and changes, and publish them") { inputs, yes, server, token };
        command.Action = new UsageCheckedAction((parse, ct) => InvokeAsync(
            parse.GetValue(inputs) ?? [], parse.GetValue(server), parse.GetValue(token), parse.GetValue(yes),
            CliVerbs.CreateConsole(), Environment.GetEnvironmentVariable, ct));
        return command;
    }

    /// <summary>The verb from its raw arguments: files are checked first, then the server address, then the work is done.</summary>
    public static async Task<int> InvokeAsync(
        IReadOnlyList<string> inputs, string? server, string? token, bool yes,
        IAnsiConsole console, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        if (DefinitionFiles.Expand(inputs, console) is null) return Usage;
        if (!ServerConnection.TryResolve(server, token, environment, out var connection, out var error))
        {
            console.MarkupLineInterpolated($"[red]deploy: {error}[/]");
            return Usage;
        }
        using var client = ServerClient.Create(connection!);
        return await RunAsync(new DeployRequest(inputs, yes), client, console, cancellationToken);
    }

    public static async Task<int> RunAsync(DeployRequest request, ServerClient client, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var files = DefinitionFiles.Expand(request.Inputs, console);
        if (files is null) return Usage;

        var outcome = new DeployOutcome();
        try
        {
            var uploads = await UploadAllAsync(files, client, console, cancellationToken);
            var toPublish = new List<Upload>();
            foreach (var upload in uploads)
                if (await ReviewAsync(upload, request.Yes, console, outcome, cancellationToken)) toPublish.Add(upload);
            await PublishAllAsync(toPublish, client, console, outcome, cancellationToken);
        }
        catch (ServerUnreachableException e)
        {
            console.MarkupLineInterpolated($"[red]deploy: {e.Message}[/]");
            console.MarkupLineInterpolated($"[grey]is `bpm serve` running there? pass --server or set {ServerConnection.ServerVariable}[/]");
            return Unreachable;
        }

        console.WriteLine();
        console.MarkupLine(outcome.Summary(files.Count));
        if (outcome.SkippedNonInteractive > 0)
            console.MarkupLine("[yellow]not published: stdin is not a terminal, so nothing can be confirmed; run again with --yes to publish[/]");
        return outcome.ExitCode;
    }

    /// <summary>One file's upload: its name as given, and the server's draft or refusal (null: not sent, the upload stopped).</summary>
    private sealed record Upload(DefinitionFile File, ServerReply<DraftReply>? Reply);

    private static async Task<List<Upload>> UploadAllAsync(
        IReadOnlyList<DefinitionFile> files, ServerClient client, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var uploads = new List<Upload>();
        async Task UploadAsync(DefinitionFile file)
        {
            // After a 401 the rest would be refused the same way.
            if (uploads.Any(u => u.Reply?.Problem is { } p && ServerClient.IsUnauthorized(p)))
            {
                uploads.Add(new Upload(file, null));
                return;
            }
            var text = await System.IO.File.ReadAllTextAsync(file.Path, cancellationToken);
            uploads.Add(new Upload(file, await client.UploadDraftAsync(text, file.IsJson, cancellationToken)));
        }

        if (files.Count == 1)
        {
            await UploadAsync(files[0]);
            return uploads;
        }
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"uploading {files.Count} drafts", maxValue: files.Count);
                foreach (var file in files)
                {
                    task.Description = $"uploading {Markup.Escape(System.IO.Path.GetFileName(file.Path))}";
                    await UploadAsync(file);
                    task.Increment(1);
                }
                task.Description = $"uploaded {files.Count} drafts";
            });
        return uploads;
    }

    /// <summary>Prints one upload's findings and changes; true when it should be published.</summary>
    private static async Task<bool> ReviewAsync(Upload upload, bool yes, IAnsiConsole console, DeployOutcome outcome, CancellationToken cancellationToken)
    {
        var display = upload.File.Display;
        console.WriteLine();
        if (upload.Reply is null)
        {
            console.MarkupLineInterpolated($"[grey]{display}: not sent[/]");
            outcome.NotSent++;
            return false;
        }
        if (upload.Reply.Problem is { } problem)
        {
            if (problem.IsDefinitionInvalid)
            {
                // The text could not be read as a definition at all: the findings say where.
                PrintDiagnostics(display, problem.Diagnostics, console);
                if (problem.Diagnostics.Count == 0) console.MarkupLineInterpolated($"[red]{display}: {problem.Title}: {problem.Detail ?? ""}[/]");
                outcome.Errors++;
            }
            else PrintRefusal(display, problem, console, outcome);
            return false;
        }

        var draft = upload.Reply.Value!;
        var code = draft.PowerCode ?? "(no power code)";
        var diagnostics = draft.Diagnostics ?? [];
        PrintDiagnostics(display, diagnostics, console);
        if (!draft.Valid)
        {
            console.MarkupLineInterpolated($"[red]{display}: {code} has {diagnostics.Count(d => d.IsError)} error(s); not published[/]");
            outcome.Errors++;
            return false;
        }
        if (draft.Unchanged)
        {
            console.MarkupLineInterpolated($"[green]{display}: {code} unchanged[/] [grey](same content as published version {draft.PublishedVersion})[/]");
            outcome.Unchanged++;
            return false;
        }

        if (draft.PublishedVersion is null)
            console.MarkupLineInterpolated($"[bold]{display}: {code}[/] [green]new power[/] (will be version 1)");
        else
        {
            var changes = draft.Changes ?? [];
            console.MarkupLineInterpolated($"[bold]{display}: {code}[/] against published version {draft.PublishedVersion}: {changes.Count} change(s)");
            if (changes.Count > 0) console.Write(ChangeTable(changes));
            else console.MarkupLine("[grey]no change in meaning (only what the diff does not show, such as wording the hash covers)[/]");
        }

        if (yes) return true;
        if (!console.Profile.Capabilities.Interactive)
        {
            outcome.SkippedNonInteractive++;
            return false;
        }
        var prompt = new ConfirmationPrompt($"Publish {Markup.Escape(code)} as version {(draft.PublishedVersion ?? 0) + 1}?") { DefaultValue = false };
        if (await prompt.ShowAsync(console, cancellationToken)) return true;
        console.MarkupLineInterpolated($"[grey]{code}: not published (declined)[/]");
        outcome.Declined++;
        return false;
    }

    private static async Task PublishAllAsync(List<Upload> uploads, ServerClient client, IAnsiConsole console, DeployOutcome outcome, CancellationToken cancellationToken)
    {
        if (uploads.Count == 0) return;
        var replies = new List<(Upload Upload, ServerReply<PublishReply> Reply)>();
        async Task PublishAsync(Upload upload) => replies.Add((upload, await client.PublishDraftAsync(upload.Reply!.Value!.Id, cancellationToken)));

        if (uploads.Count == 1) await PublishAsync(uploads[0]);
        else
            await console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask($"publishing {uploads.Count} definitions", maxValue: uploads.Count);
                    foreach (var upload in uploads)
                    {
                        await PublishAsync(upload);
                        task.Increment(1);
                    }
                });

        console.WriteLine();
        foreach (var (upload, reply) in replies)
        {
            var display = upload.File.Display;
            if (reply.Problem is { } problem)
            {
                if (problem.IsDefinitionInvalid)
                {
                    PrintDiagnostics(display, problem.Diagnostics, console);
                    console.MarkupLineInterpolated($"[red]{display}: not published: {problem.Detail ?? problem.Title}[/]");
                    outcome.Errors++;
                }
                else PrintRefusal(display, problem, console, outcome);
                continue;
            }
            var published = reply.Value!;
            if (published.Created)
            {
                console.MarkupLineInterpolated($"[green]{display}: published {published.PowerCode} version {published.Version}[/]");
                outcome.Published++;
            }
            else
            {
                // Someone published the same content between our upload and our publish.
                console.MarkupLineInterpolated($"[green]{display}: {published.PowerCode} unchanged[/] [grey](already version {published.Version})[/]");
                outcome.Unchanged++;
            }
        }
    }

    private static void PrintDiagnostics(string display, IEnumerable<ServerDiagnostic> diagnostics, IAnsiConsole console)
    {
        foreach (var d in diagnostics)
            console.MarkupLine($"[{(d.IsError ? "red" : "yellow")}]{Markup.Escape(d.Format(display))}[/]");
    }

    private static void PrintRefusal(string display, ServerProblem problem, IAnsiConsole console, DeployOutcome outcome)
    {
        var code = problem.Code is null ? "" : $" ({problem.Code})";
        console.MarkupLineInterpolated($"[red]{display}: the server refused: {problem.Status} {problem.Title}{code}[/]");
        if (problem.Detail is { Length: > 0 } detail) console.MarkupLineInterpolated($"[red]  {detail}[/]");
        if (ServerClient.IsUnauthorized(problem))
        {
            console.MarkupLineInterpolated($"[grey]  sign in: pass --token or set {ServerConnection.TokenVariable} (a deployer's token from `bpm token`)[/]");
        }
        outcome.Refusals++;
    }

    private static Table ChangeTable(IReadOnlyList<DefinitionChange> changes)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("").AddColumn("area").AddColumn("key").AddColumn("change");
        foreach (var c in changes)
        {
            var (mark, color) = c.Kind switch
            {
                ChangeKind.Added => ("+", "green"),
                ChangeKind.Removed => ("-", "red"),
                _ => ("~", "yellow"),
            };
            table.AddRow($"[{color}]{mark}[/]", Markup.Escape(c.Area), Markup.Escape(c.Key), $"[{color}]{Markup.Escape(c.Summary)}[/]");
        }
        return table;
    }

    /// <summary>Counts what happened to each file; the exit code is the gravest of them.</summary>
    private sealed class DeployOutcome
    {
        public int Published, Unchanged, Errors, Refusals, Declined, SkippedNonInteractive, NotSent;

        public int ExitCode =>
            Refusals > 0 ? Refused
            : Errors > 0 ? HasErrors
            // Asked to deploy but unable to ask for confirmation: the command line lacks --yes.
            : SkippedNonInteractive > 0 ? Usage
            : Ok;

        public string Summary(int files)
        {
            var parts = new List<string> { $"{Published} published", $"{Unchanged} unchanged" };
            if (Errors > 0) parts.Add($"[red]{Errors} with errors[/]");
            if (Refusals > 0) parts.Add($"[red]{Refusals} refused[/]");
            if (NotSent > 0) parts.Add($"{NotSent} not sent");
            if (Declined > 0) parts.Add($"{Declined} declined");
            if (SkippedNonInteractive > 0) parts.Add($"[yellow]{SkippedNonInteractive} awaiting --yes[/]");
            return $"{files} file(s): {string.Join(", ", parts)}";
        }
    }
}
