using Bpm.Definitions;
using Bpm.Testing;

namespace Bpm.Definitions.Tests;

/// <summary>
/// BPM0206/BPM0207 count a path's days as the case clock does (and as the designer's deadline simulation shows them):
/// 受理 runs before the clock (rule 6), and a joint block lasts its slowest branch, never longer than its own limit.
/// </summary>
public sealed class PathLimitTests
{
    private static readonly string Permit = File.ReadAllText(Path.Combine(RepositoryPaths.ProcessDefinitions, "XK00301001-construction-permit.yaml"));

    // 施工许可, promised 10 工作日: 并联审查 (limit 7; slowest branch 施工许可审查 5 + 审核 1 = 6) + 汇总决定 1 + 统一出件 1 = 8
    // on the clock; 一窗受理's 1 day is before it. A step of n days after 统一出件 makes 8 + n.
    [Theory]
    [InlineData(2, false)] // 10: at the promised limit, not over it
    [InlineData(3, true)]  // 11: over
    public void A_step_added_after_certification_is_over_the_promised_limit_only_past_ten_days_on_the_clock(int days, bool over)
    {
        var text = Permit
            .Replace("  - {from: certify, to: granted}\n", "  - {from: certify, to: archive}\n  - {from: archive, to: granted}\n")
            .Replace("  - id: notify-rejection\n", $"""
                  - id: archive
                    kind: task
                    name: 归档
                    department: 县住房和城乡建设局
                    role: 档案员
                    limit: {days} 工作日
                  - id: notify-rejection

                """);
        var result = DefinitionCompiler.Compile(text, DefinitionFormat.Yaml);
        Assert.NotNull(result.Definition);
        Assert.Equal(over, result.Diagnostics.Any(d => d.Code == "BPM0207"));
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
    }

    [Fact]
    public void A_block_whose_branches_need_longer_than_its_limit_costs_its_limit()
    {
        // The 消防 branch at 12 days would put the path at 1 + 12 + 1 + 1 = 15 without the block's cap of 7: 7 + 2 = 9.
        var text = Permit.Replace("""
                        limit: 5 工作日
                        risk: B
                        warning: 1 工作日
            """, """
                        limit: 12 工作日
                        risk: B
                        warning: 1 工作日
            """);
        Assert.NotEqual(Permit, text);
        var result = DefinitionCompiler.Compile(text, DefinitionFormat.Yaml);
        Assert.DoesNotContain(result.Diagnostics, d => d.Code is "BPM0207" or "BPM0206");
    }
}
