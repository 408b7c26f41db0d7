using System.Diagnostics;
using System.Text.RegularExpressions;
using Bpm.Server.Cli;
using Bpm.Testing;

namespace Bpm.Server.Tests;

public sealed partial class ValidateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bpm-validate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string Sample = File.ReadAllText(Path.Combine(RepositoryPaths.ProcessDefinitions, "XK00301001-construction-permit.yaml"));

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(int Exit, string[] Lines)> Run(params string[] files)
    {
        var output = new StringWriter();
        var exit = await ValidateCommand.RunAsync(files, output, CancellationToken.None);
        return (exit, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task The_whole_catalog_is_valid_and_exits_zero()
    {
        var (exit, lines) = await Run(RepositoryPaths.ProcessDefinitions);
        Assert.Equal(ValidateCommand.Ok, exit);
        var files = RepositoryPaths.CatalogFiles().Count;
        Assert.True(files >= 7, $"the catalog should hold at least 7 powers, found {files}");
        Assert.Equal($"{files} file(s) checked: {files} valid, 0 error(s), 0 warning(s)", lines[^1]);
    }

    [Fact]
    public async Task An_error_is_printed_like_a_compiler_and_exits_one()
    {
        var broken = Write("broken.yaml", Sample.Replace("    department: 县人民防空办公室\n", "    deparment: 县人民防空办公室\n"));
        var (exit, lines) = await Run(broken);

        Assert.Equal(ValidateCommand.HasErrors, exit);
        var expectedLine = Sample.Split('\n').ToList().FindIndex(l => l == "            department: 县人民防空办公室") + 1;
        Assert.True(expectedLine > 0);
        var unknown = Assert.Single(lines, l => l.Contains("BPM0003"));
        Assert.Matches(CompilerLine(), unknown);
        Assert.StartsWith($"{broken}:{expectedLine}:13: error BPM0003: unknown property 'deparment'", unknown);
        Assert.Contains("did you mean 'department'?", unknown);
        Assert.Contains(lines, l => l.Contains("error BPM0004") && l.Contains("needs 'department'"));
        Assert.Equal("1 file(s) checked: 0 valid, 2 error(s), 0 warning(s)", lines[^1]);
    }

    [Fact]
    public async Task Malformed_yaml_gives_one_positioned_error_not_a_trace()
    {
        var broken = Write("malformed.yaml", "power:\n  code: [XK00211001\n  name: x\n");
        var (exit, lines) = await Run(broken);
        Assert.Equal(ValidateCommand.HasErrors, exit);
        var error = Assert.Single(lines, l => l.Contains(": error "));
        Assert.Matches(CompilerLine(), error);
        Assert.Contains(":3:3: error BPM0001: malformed YAML", error); // where the unclosed list cannot continue
        Assert.DoesNotContain(lines, l => l.Contains("   at "));
    }

    [Fact]
    public async Task Unsupported_and_missing_files_are_errors()
    {
        var text = Write("notes.txt", "hello");
        var (exit, lines) = await Run(text, Path.Combine(_dir, "absent.yaml"));
        Assert.Equal(ValidateCommand.HasErrors, exit);
        Assert.Contains(lines, l => l.EndsWith("error BPM0008: only .yaml, .yml and .json definitions can be validated"));
        Assert.Contains(lines, l => l.Contains("absent.yaml: error: no such file or folder"));
    }

    [Fact]
    public async Task Warnings_alone_exit_zero()
    {
        var warned = Write("warned.yaml", Sample.Replace("layout:\n", "layout:\n  ghost: {x: 1, y: 2}\n"));
        var (exit, lines) = await Run(warned);
        Assert.Equal(ValidateCommand.Ok, exit);
        Assert.Contains(lines, l => l.Contains("warning BPM0801"));
        Assert.Equal("1 file(s) checked: 1 valid, 0 error(s), 1 warning(s)", lines[^1]);
    }

    [Fact]
    public async Task The_real_executable_exits_non_zero_on_errors_and_prints_the_schema()
    {
        var broken = Write("broken.yaml", Sample.Replace("join: all", "join: most"));
        var (exit, output) = await Exec("validate", broken);
        Assert.Equal(1, exit);
        Assert.Contains("error BPM0006: unknown join mode 'most'", output);

        var (schemaExit, schema) = await Exec("schema");
        Assert.Equal(0, schemaExit);
        using var document = System.Text.Json.JsonDocument.Parse(schema);
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", document.RootElement.GetProperty("$schema").GetString());

        var (usageExit, _) = await Exec("validate");
        Assert.NotEqual(0, usageExit);
    }

    private static async Task<(int Exit, string Output)> Exec(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "bpm.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@"^[^:]+:\d+:\d+: (error|warning) BPM\d{4}: .+$")]
    private static partial Regex CompilerLine();
}
