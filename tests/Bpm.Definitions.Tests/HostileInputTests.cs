using Bpm.Testing;

namespace Bpm.Definitions.Tests;

/// <summary>Inputs an upload endpoint will see: each gives a positioned error, never a crash.</summary>
public sealed class HostileInputTests
{
    private static readonly string Sample = File.ReadAllText(Path.Combine(RepositoryPaths.ProcessDefinitions, "XK00301001-construction-permit.yaml"));

    [Theory]
    [InlineData(DefinitionFormat.Yaml, "a: {0}{1}")]
    [InlineData(DefinitionFormat.Json, "{{\"a\": {0}{1}}}")]
    public void Nesting_far_deeper_than_any_definition_is_refused_without_exhausting_the_stack(DefinitionFormat format, string shape)
    {
        var text = string.Format(shape, new string('[', 100_000), new string(']', 100_000));
        var result = DefinitionCompiler.Compile(text, format);
        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("BPM0001", error.Code);
        Assert.Equal(1, error.Position?.Line);
        Assert.Null(result.Definition);
    }

    [Fact]
    public void Nesting_up_to_the_limit_is_read()
    {
        var text = "a: " + new string('[', 60) + new string(']', 60);
        var result = DefinitionCompiler.Compile(text, DefinitionFormat.Yaml);
        Assert.DoesNotContain(result.Diagnostics, d => d.Code == "BPM0001");
    }

    [Theory]
    [InlineData(DefinitionFormat.Yaml)]
    [InlineData(DefinitionFormat.Json)]
    public void A_byte_order_mark_is_not_content(DefinitionFormat format)
    {
        var text = format == DefinitionFormat.Yaml
            ? Sample
            : Writing.DefinitionWriter.ToJson(DefinitionCompiler.Compile(Sample, DefinitionFormat.Yaml).Definition!);
        var result = DefinitionCompiler.Compile("\uFEFF" + text, format);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics.Select(d => d.Format("bom"))));
        Assert.Equal(format, DefinitionCompiler.Sniff("\uFEFF" + text));
    }

    [Fact]
    public void Partials_are_refused_because_documents_must_be_self_contained()
    {
        var text = Sample.Replace("      {{applicant.name}}：\n      你（单位）于", "      {{> header}}\n      你（单位）于");
        var result = DefinitionCompiler.Compile(text, DefinitionFormat.Yaml);
        var error = Assert.Single(result.Diagnostics, d => d.IsError);
        Assert.Equal("BPM0702", error.Code);
        var line = text.Split('\n').ToList().FindIndex(l => l.Contains("{{> header}}")) + 1;
        Assert.Equal(new Source.SourcePosition(line, 7), error.Position);
    }

    [Fact]
    public void An_expression_that_is_a_statement_list_is_refused()
    {
        var text = Sample.Replace("  - {from: accept, to: joint-review, on: 受理}",
            "  - {from: accept, to: joint-review, on: 受理, when: \"a) || (b\"}");
        var result = DefinitionCompiler.Compile(text, DefinitionFormat.Yaml);
        Assert.Contains(result.Diagnostics, d => d.Code == "BPM0317");
    }
}
