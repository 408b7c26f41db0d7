using Bpm.Definitions;
using Bpm.Definitions.Diagnostics;

namespace Bpm.Server.Cli;

/// <summary>`bpm validate FILE…`: compiler-style diagnostics, a summary, non-zero exit on any error.</summary>
public static class ValidateCommand
{
    public const int Ok = 0, HasErrors = 1, Usage = 2;

    public static async Task<int> RunAsync(IReadOnlyList<string> inputs, TextWriter output, CancellationToken cancellationToken)
    {
        var found = DefinitionFiles.Find(inputs);
        foreach (var input in found.Missing) await output.WriteLineAsync($"{input}: error: no such file or folder");
        var files = found.Files;
        var missing = found.Missing.Count;
        if (files.Count == 0)
        {
            await output.WriteLineAsync(missing > 0 ? "validate: no such files" : "validate: give one or more .yaml/.yml/.json files or folders");
            return Usage;
        }

        int errors = missing, warnings = 0, valid = 0;
        foreach (var (file, display) in files)
        {
            var format = DefinitionCompiler.FormatOf(file);
            if (format is null)
            {
                await output.WriteLineAsync($"{display}:1:1: error {Codes.UnsupportedFile.Code}: only .yaml, .yml and .json definitions can be validated");
                errors++;
                continue;
            }
            var text = await File.ReadAllTextAsync(file, cancellationToken);
            var result = DefinitionCompiler.Compile(text, format.Value);
            foreach (var diagnostic in result.Diagnostics)
                await output.WriteLineAsync(diagnostic.Format(display));
            errors += result.ErrorCount;
            warnings += result.WarningCount;
            if (result.Succeeded) valid++;
        }
        await output.WriteLineAsync(
            $"{files.Count} file(s) checked: {valid} valid, {errors} error(s), {warnings} warning(s)");
        return errors > 0 ? HasErrors : Ok;
    }
}
