using Bpm.Testing;
using System.Text;
using System.Text.RegularExpressions;
using Bpm.Definitions.Diagnostics;

namespace Bpm.Definitions.Tests;

/// <summary>
/// Every diagnostic code has a failing example under <c>Broken/</c>: a small definition with exactly one defect
/// and, at its top, the diagnostics it must produce (<c># expect: BPM0301 at 24:9</c>). JSON cannot hold
/// comments, so a <c>NAME.json</c> keeps its expectations in <c>NAME.json.expect</c> (<c>expect: …</c> lines).
/// Positions are 1-based line and character column, worked out by reading the file, not by copying the tool.
/// </summary>
public sealed partial class DiagnosticTests
{
    /// <summary>The one code without a broken definition: an unsupported file type is a CLI concern, tested there.</summary>
    private const string UnsupportedFileCode = "BPM0008";

    /// <summary>The YAML broken file that has a hand-written JSON twin with the same defect.</summary>
    private const string TwinName = "BPM0312-unknown-outcome";

    public static TheoryData<string> BrokenFiles()
    {
        var data = new TheoryData<string>();
        foreach (var name in BrokenDefinitionNames()) data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void Broken_file_reports_exactly_the_expected_diagnostics(string name)
    {
        var expected = ExpectationsOf(name);
        Assert.True(expected.Count > 0, $"{name} declares no '# expect: CODE at LINE:COL' line");
        var diagnostics = CompileBroken(name);

        var severity = Codes.All.ToDictionary(c => c.Code, c => c.Severity);
        var unknownCodes = expected.Where(e => !severity.ContainsKey(e.Code)).ToList();
        Assert.True(unknownCodes.Count == 0, $"{name} expects codes that do not exist: {string.Join(", ", unknownCodes)}");

        var expectedErrors = expected.Where(e => severity[e.Code] == Severity.Error).ToList();
        var expectedWarnings = expected.Where(e => severity[e.Code] == Severity.Warning).ToList();
        var actualErrors = diagnostics.Where(d => d.IsError).Select(Expectation.Of).ToList();
        var actualWarnings = diagnostics.Where(d => !d.IsError).Select(Expectation.Of).ToList();

        var problems = new List<string>();
        // Errors: exactly the expected ones. Warnings: every expected one; and when the file lists any warning,
        // nothing else either (a file that lists none may trip incidental warnings).
        foreach (var missing in Minus(expectedErrors, actualErrors)) problems.Add($"expected error {missing} was not reported");
        foreach (var extra in Minus(actualErrors, expectedErrors)) problems.Add($"unexpected error {extra}");
        foreach (var missing in Minus(expectedWarnings, actualWarnings)) problems.Add($"expected warning {missing} was not reported");
        if (expectedWarnings.Count > 0)
            foreach (var extra in Minus(actualWarnings, expectedWarnings)) problems.Add($"unexpected warning {extra}");

        Assert.True(problems.Count == 0, Report(name, problems, expected, diagnostics));
    }

    [Fact]
    public void Every_code_has_a_broken_example()
    {
        var expectedCodes = BrokenDefinitionNames().SelectMany(ExpectationsOf).Select(e => e.Code).ToHashSet(StringComparer.Ordinal);
        var uncovered = Codes.All
            .Where(c => c.Code != UnsupportedFileCode && !expectedCodes.Contains(c.Code))
            .Select(c => $"{c.Code} ({c.Title})")
            .ToList();
        Assert.True(uncovered.Count == 0, "codes without a broken example under Broken/:\n  " + string.Join("\n  ", uncovered));
    }

    [Fact]
    public void Broken_folder_is_well_formed()
    {
        var files = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "tests", "Bpm.Definitions.Tests", "Broken")).Select(Path.GetFileName).Select(f => f!).ToList();
        var problems = new List<string>();
        foreach (var file in files)
        {
            if (file.EndsWith(".json.expect", StringComparison.Ordinal))
            {
                if (!files.Contains(file[..^".expect".Length])) problems.Add($"{file} has no {file[..^".expect".Length]}");
                continue;
            }
            if (DefinitionCompiler.FormatOf(file) is null) problems.Add($"{file} is neither a definition nor a .json.expect sidecar");
            else if (!BrokenFileName().IsMatch(file)) problems.Add($"{file} is not named like BPM0301-duplicate-node-id.yaml");
            if (file.EndsWith(".json", StringComparison.Ordinal) && !files.Contains(file + ".expect")) problems.Add($"{file} has no {file}.expect sidecar");
        }
        // A malformed expectation line would silently expect nothing.
        foreach (var name in BrokenDefinitionNames())
            foreach (var line in ExpectationLines(name).Where(l => l.TrimStart(' ', '\t', '#').StartsWith("expect", StringComparison.OrdinalIgnoreCase)))
                if (!ExpectLine().IsMatch(line)) problems.Add($"{name}: cannot read expectation '{line}'");
        // The code in the name is one the file expects.
        foreach (var name in BrokenDefinitionNames())
            if (!ExpectationsOf(name).Any(e => name.StartsWith(e.Code + "-", StringComparison.Ordinal)))
                problems.Add($"{name} is named after a code it does not expect");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_catalog_compiles_without_errors_or_warnings()
    {
        var files = Directory.GetFiles(RepositoryPaths.ProcessDefinitions)
            .Where(f => DefinitionCompiler.FormatOf(f) is not null)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(files);
        var report = new StringBuilder();
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            var result = DefinitionCompiler.Compile(File.ReadAllText(file), DefinitionCompiler.FormatOf(file)!.Value);
            foreach (var diagnostic in result.Diagnostics) report.AppendLine(diagnostic.Format(name));
            if (result.Definition is null) report.AppendLine($"{name}: no definition was produced");
        }
        Assert.True(report.Length == 0, $"the catalog in process-definitions/ must be clean:\n{report}");
    }

    [Fact]
    public void Yaml_and_json_forms_of_one_broken_definition_report_the_same_findings()
    {
        var yaml = CompileBroken(TwinName + ".yaml");
        var json = CompileBroken(TwinName + ".json");
        Assert.NotEmpty(yaml);
        // The same codes, severities and document paths; only the line and column differ between the two texts.
        static IEnumerable<string> Findings(IReadOnlyList<Diagnostic> diagnostics) =>
            diagnostics.Select(d => $"{d.Code} {d.Severity} {d.Path}").Order(StringComparer.Ordinal);
        Assert.True(Findings(yaml).SequenceEqual(Findings(json)),
            $"YAML:\n  {string.Join("\n  ", Findings(yaml))}\nJSON:\n  {string.Join("\n  ", Findings(json))}\n" +
            Report(TwinName + ".yaml", [], [], yaml) + "\n" + Report(TwinName + ".json", [], [], json));
    }

    [Fact]
    public void Every_diagnostic_has_a_message_and_a_position_inside_the_text()
    {
        var problems = new List<string>();
        foreach (var name in BrokenDefinitionNames())
        {
            var text = File.ReadAllText(Path.Combine(Path.Combine(RepositoryPaths.Root, "tests", "Bpm.Definitions.Tests", "Broken"), name));
            IReadOnlyList<Diagnostic> diagnostics;
            try
            {
                diagnostics = DefinitionCompiler.Compile(text, DefinitionCompiler.FormatOf(name)!.Value).Diagnostics;
            }
            catch (Exception)
            {
                continue; // a crash is reported by the theory for that file
            }
            var lines = text.Split('\n');
            foreach (var d in diagnostics)
            {
                var where = d.Format(name);
                if (string.IsNullOrWhiteSpace(d.Message)) problems.Add($"{where}: empty message");
                else if (d.Message.Contains('\n') || d.Message.Contains('\r')) problems.Add($"{where}: the message spans several lines, which breaks the one-line file:line:col format");
                if (d.Position is not { } p) problems.Add($"{where}: no position");
                else if (p.Line < 1 || p.Line > lines.Length || p.Column < 1 || p.Column > lines[p.Line - 1].TrimEnd('\r').Length + 1)
                    problems.Add($"{where}: position {p} is outside the text");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    // ---- helpers ----

    /// <summary>An expected or reported (code, line, column).</summary>
    private sealed record Expectation(string Code, int Line, int Column)
    {
        public static Expectation Of(Diagnostic d) => new(d.Code, d.Position?.Line ?? 0, d.Position?.Column ?? 0);
        public override string ToString() => $"{Code} at {Line}:{Column}";
    }

    private static IEnumerable<string> BrokenDefinitionNames() =>
        Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "tests", "Bpm.Definitions.Tests", "Broken"))
            .Select(Path.GetFileName)
            .Select(f => f!)
            .Where(f => DefinitionCompiler.FormatOf(f) is not null)
            .Order(StringComparer.Ordinal);

    /// <summary>The lines that carry expectations: the file's own comments, or the .json's sidecar.</summary>
    private static IEnumerable<string> ExpectationLines(string name)
    {
        var path = Path.Combine(Path.Combine(RepositoryPaths.Root, "tests", "Bpm.Definitions.Tests", "Broken"), name);
        if (DefinitionCompiler.FormatOf(name) == DefinitionFormat.Json)
            return File.Exists(path + ".expect") ? File.ReadAllLines(path + ".expect") : [];
        return File.ReadAllLines(path).Where(l => l.TrimStart().StartsWith('#'));
    }

    private static List<Expectation> ExpectationsOf(string name) =>
        ExpectationLines(name)
            .Select(l => ExpectLine().Match(l))
            .Where(m => m.Success)
            .Select(m => new Expectation(m.Groups[1].Value, int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value)))
            .ToList();

    private static IReadOnlyList<Diagnostic> CompileBroken(string name)
    {
        var text = File.ReadAllText(Path.Combine(Path.Combine(RepositoryPaths.Root, "tests", "Bpm.Definitions.Tests", "Broken"), name));
        try
        {
            return DefinitionCompiler.Compile(text, DefinitionCompiler.FormatOf(name)!.Value).Diagnostics;
        }
        catch (Exception e)
        {
            Assert.Fail($"{name}: the compiler threw instead of reporting a diagnostic:\n{e}");
            throw; // unreachable
        }
    }

    /// <summary>Items of <paramref name="a"/> not matched one-for-one in <paramref name="b"/> (multiset difference).</summary>
    private static List<Expectation> Minus(IEnumerable<Expectation> a, IEnumerable<Expectation> b)
    {
        var left = b.ToList();
        var result = new List<Expectation>();
        foreach (var item in a)
            if (!left.Remove(item)) result.Add(item);
        return result;
    }

    private static string Report(string name, IReadOnlyList<string> problems, IReadOnlyList<Expectation> expected, IReadOnlyList<Diagnostic> diagnostics)
    {
        var text = new StringBuilder();
        foreach (var problem in problems) text.AppendLine($"{name}: {problem}");
        if (expected.Count > 0) text.AppendLine("expected:").AppendJoin("", expected.Select(e => $"  {e}\n"));
        text.AppendLine($"reported ({diagnostics.Count}):");
        foreach (var d in diagnostics) text.AppendLine($"  {d.Format(name)}   [{d.Path}]");
        return text.ToString();
    }

    [GeneratedRegex(@"^\s*(?:#\s*)?expect:\s*(BPM\d{4})\s+at\s+(\d+):(\d+)\s*$")]
    private static partial Regex ExpectLine();

    [GeneratedRegex(@"^BPM\d{4}-[a-z0-9]+(-[a-z0-9]+)*\.(yaml|yml|json)$")]
    private static partial Regex BrokenFileName();
}
