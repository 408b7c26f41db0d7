using System.CommandLine;
using Bpm.Server.Cli;

// `bpm` is one executable: the server (later issues) and the departments' command-line verbs.
var files = new Argument<string[]>("files") { Description = "Definition files or folders (.yaml, .yml, .json)", Arity = ArgumentArity.OneOrMore };
var validate = new Command("validate", "Check process definitions like a compiler; exit 1 on any error") { files };
validate.SetAction((parse, ct) => ValidateCommand.RunAsync(parse.GetValue(files)!, Console.Out, ct));

var schema = new Command("schema", "Print the JSON Schema of the process-definition DSL");
schema.SetAction((_, ct) => SchemaCommand.RunAsync(Console.Out, ct));

var root = new RootCommand("BpmServer: runs administrative powers as versioned processes") { validate, schema };
return await root.Parse(args).InvokeAsync();
