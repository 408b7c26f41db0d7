using Bpm.Definitions;
using Bpm.Engine.Time;
using Bpm.Testing;

namespace Bpm.Engine.Tests;

/// <summary>
/// The designer's deadline simulation over the joint-review rules: join modes, silence-means-consent, nested blocks
/// and hour limits. Accepted on Monday 2026-03-02 (no holiday in March 2026), so the n-th working day after it is
/// easy to count: 03-03 (1), 03-04 (2), 03-05 (3), 03-06 (4), 03-09 (5), 03-10 (6); offices close at 17:30.
/// </summary>
public sealed class DeadlineSimulationTests
{
    private static readonly Lazy<Task<WorkCalendar>> National = new(() =>
        CalendarFolder.LoadAsync(Path.Combine(RepositoryPaths.ProcessDefinitions, "calendars"), "cn"));

    private static readonly DateOnly Monday = new(2026, 3, 2);

    [Theory]
    [InlineData("all", null, "2026-03-10 17:30")]    // the slowest branch (6 wd)
    [InlineData("veto", null, "2026-03-10 17:30")]   // every branch must answer
    [InlineData("any", null, "2026-03-04 17:30")]    // the fastest (2 wd)
    [InlineData("n-of-m", 2, "2026-03-06 17:30")]    // the second (4 wd)
    public async Task The_block_ends_when_its_join_is_satisfied(string join, int? quorum, string end)
    {
        var plan = await RunAsync(Block(join, quorum));
        Assert.Equal(end, Local(plan, "review"));
        Assert.Equal(end, Local(plan.PathEnd));
        Assert.Equal(("a", "2026-03-04 17:30"), (Branch(plan, "a1"), Local(plan, "a1")));
        Assert.Equal("2026-03-10 17:30", Local(plan, "c1"));
        Assert.Empty(plan.Problems);
    }

    [Fact]
    public async Task Silence_means_consent_ends_a_slow_branch_at_its_timeout()
    {
        // Branch c (6 wd) consents by silence after 3 wd (03-05): the block waits for b (4 wd, 03-06) instead.
        var plan = await RunAsync(Block("all", null, silence: "3 工作日"));
        Assert.Equal("2026-03-06 17:30", Local(plan, "review"));
    }

    [Fact]
    public async Task A_block_never_runs_past_its_own_limit_and_says_which_branch_would()
    {
        var plan = await RunAsync(Block("all", null, limit: "5 工作日"));
        Assert.Equal("2026-03-09 17:30", Local(plan, "review"));
        var problem = Assert.Single(plan.Problems);
        Assert.Equal(("branch-exceeds-block", "review"), (problem.Code, problem.NodeId));
        Assert.Contains("丙", problem.Message);
    }

    [Fact]
    public async Task Nested_blocks_and_hour_limits_count_office_hours()
    {
        // 速办 5 office hours from 09:00: 09:00–12:00 (3 h) and 13:30–15:30 (2 h). The block starts at 15:30; in branch n
        // the inner block's slower step takes 2 h, to closing time 17:30, and the 2 h step after it runs from the next
        // morning's opening: 09:00–11:00 on 03-03, which is when the block ends.
        var plan = await RunAsync("""
            nodes:
              - {id: start, kind: start, name: 申请}
              - {id: accept, kind: task, name: 受理, department: 窗口, role: 受理员, limit: 1 工作日, outcomes: [受理]}
              - {id: quick, kind: task, name: 速办, department: 窗口, role: 审查员, limit: 5 小时}
              - id: review
                kind: parallel
                name: 并联
                lead: 牵头局
                join: all
                branches:
                  - id: m
                    name: 甲
                    nodes: [{id: m1, kind: task, name: 甲审查, department: 甲局, role: 审查员, limit: 1 小时}]
                  - id: n
                    name: 乙
                    nodes:
                      - id: inner
                        kind: parallel
                        name: 乙内部
                        lead: 乙局
                        join: all
                        branches:
                          - {id: n1, name: 乙一, nodes: [{id: n1t, kind: task, name: 乙一审查, department: 乙一科, role: 审查员, limit: 2 小时}]}
                          - {id: n2, name: 乙二, nodes: [{id: n2t, kind: task, name: 乙二审查, department: 乙二科, role: 审查员, limit: 1 小时}]}
                      - {id: n3, kind: task, name: 乙审核, department: 乙局, role: 负责人, limit: 2 小时}
              - {id: end, kind: end, name: 办结, result: 准予}
            flows:
              - {from: start, to: accept}
              - {from: accept, to: quick, on: 受理}
              - {from: quick, to: review}
              - {from: review, to: end}
            """);
        Assert.Equal("2026-03-02 09:00", Local(plan, "accept"));   // 受理 is the moment the clock starts
        Assert.Equal("2026-03-02 15:30", Local(plan, "quick"));
        Assert.Equal(("n1", "2026-03-02 17:30"), (Branch(plan, "n1t"), Local(plan, "n1t")));
        Assert.Equal(("n", "2026-03-02 17:30"), (Branch(plan, "inner"), Local(plan, "inner")));
        Assert.Equal(("2026-03-02 17:30", "2026-03-03 11:00"), (LocalStart(plan, "n3"), Local(plan, "n3")));
        Assert.Equal("2026-03-03 11:00", Local(plan, "review"));
    }

    // ---------- helpers ----------

    private static string Block(string join, int? quorum, string? silence = null, string limit = "10 工作日") => $$"""
        nodes:
          - {id: start, kind: start, name: 申请}
          - {id: accept, kind: task, name: 受理, department: 窗口, role: 受理员, limit: 1 工作日, outcomes: [受理]}
          - id: review
            kind: parallel
            name: 并联审查
            lead: 牵头局
            join: {{join}}
        {{(quorum is { } q ? $"    quorum: {q}\n" : "")}}    limit: {{limit}}
            branches:
              - {id: a, name: 甲, nodes: [{id: a1, kind: task, name: 甲审查, department: 甲局, role: 审查员, limit: 2 工作日}]}
              - {id: b, name: 乙, nodes: [{id: b1, kind: task, name: 乙审查, department: 乙局, role: 审查员, limit: 4 工作日}]}
              - id: c
                name: 丙
        {{(silence is null ? "" : $"        silence: {silence}\n")}}        nodes: [{id: c1, kind: task, name: 丙审查, department: 丙局, role: 审查员, limit: 6 工作日}]
          - {id: end, kind: end, name: 办结, result: 准予}
        flows:
          - {from: start, to: accept}
          - {from: accept, to: review, on: 受理}
          - {from: review, to: end}
        """;

    private static async Task<DeadlinePlan> RunAsync(string body)
    {
        var text = $"""
            power:
              code: XK99999901
              name: 模拟测试
              category: 行政许可
              subject: 测试县人民政府
              handling: 承诺件
              fees: []
              basis:
                - {"{"}law: 测试条例, articles: 第一条{"}"}
            limits:
              legal: 20 工作日
              promised: 20 工作日
            {body}
            """;
        var compiled = DefinitionCompiler.Compile(text, DefinitionFormat.Yaml);
        Assert.True(compiled.Succeeded, string.Join("\n", compiled.Diagnostics.Select(d => d.Format("test"))));
        var time = new LegalTime(await National.Value, new SupervisionPolicy());
        return new DeadlineSimulation(time).Run(compiled.Definition!, Monday, new Dictionary<string, string>());
    }

    private static string Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM-dd HH:mm");

    private static string Local(DeadlinePlan plan, string nodeId) => Local(plan.Nodes.Single(n => n.NodeId == nodeId).DueAt);

    private static string LocalStart(DeadlinePlan plan, string nodeId) => Local(plan.Nodes.Single(n => n.NodeId == nodeId).StartsAt);

    private static string? Branch(DeadlinePlan plan, string nodeId) => plan.Nodes.Single(n => n.NodeId == nodeId).Branch;
}
