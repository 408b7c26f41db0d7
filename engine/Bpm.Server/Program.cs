using System.CommandLine;
using Bpm.Server.Cli;
using Bpm.Server.Hosting;

// `bpm` is one executable: with no verb (or `serve`) it runs the HTTP server; the verbs are the departments' CLI.
var verbs = new List<Command>();

var files = new Argument<string[]>("files") { Description = "Definition files or folders (.yaml, .yml, .json)", Arity = ArgumentArity.OneOrMore };
var validate = new Command("validate", "Check process definitions like a compiler; exit 1 on any error") { files };
validate.SetAction((parse, ct) => ValidateCommand.RunAsync(parse.GetValue(files)!, Console.Out, ct));
verbs.Add(validate);

var schema = new Command("schema", "Print the JSON Schema of the process-definition DSL");
schema.SetAction((_, ct) => SchemaCommand.RunAsync(Console.Out, ct));
verbs.Add(schema);

verbs.AddRange(CliVerbs.All());

if (args.Length == 0 || args[0] == "serve" || args[0].StartsWith('-') && args[0] is not ("-h" or "--help" or "-?" or "--version"))
    return await ServerHost.RunAsync(args.SkipWhile(a => a == "serve").ToArray());

var root = new RootCommand("BpmServer: runs administrative powers as versioned processes. Without a verb it runs the server.");
foreach (var verb in verbs) root.Subcommands.Add(verb);
root.Subcommands.Add(new Command("serve", "Run the HTTP server (the default; ASP.NET Core options such as --urls pass through)"));
return await root.Parse(args).InvokeAsync();
