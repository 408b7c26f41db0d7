using Microsoft.EntityFrameworkCore;
using System.Text.Json.Nodes;
using Bpm.Engine.Commands;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Testing;

namespace Bpm.Engine.Tests;

/// <summary>
/// 行政处罚 CF00301012 through the engine, on both databases: the 负责人集体讨论决定 step carries a discretion block,
/// so its fine is checked against the 裁量基准 in force on the violation date (rule 17) and journalled with its tier.
/// </summary>
public abstract class PenaltyScenarios(TestDatabase database) : EngineTestBase(database)
{
    private const string Decision = "collective-decision";

    /// <summary>
    /// 立案 → 调查取证 (拟处罚) → 法制审核 (通过) → 告知 (no hearing): the case waits at the collective decision.
    /// </summary>
    private async Task<CommandResult> ToDecisionAsync(
        string partyRole, double area, double contractPrice = 12_000_000, string violationDate = "2025-03-10", string? mitigatingGrounds = null)
    {
        var code = await PublishCatalogAsync("CF00301012");
        var state = await Run(new Apply(code, Applicant, new JsonObject()));
        state = await CompleteAsync(state, "register", "立案", "officer-1", new JsonObject
        {
            ["caseSource"] = "日常巡查", ["partyRole"] = partyRole, ["projectName"] = "城东物流仓库", ["projectAddress"] = "城东工业园",
            ["violationDate"] = violationDate, ["registerOpinion"] = "涉嫌未取得施工许可证擅自施工，予以立案",
        });
        var investigation = new JsonObject
        {
            ["projectKind"] = "房屋建筑工程", ["area"] = area, ["contractPrice"] = contractPrice, ["seriousConsequence"] = false,
            ["firstOffenceMinor"] = false, ["violationFacts"] = "未取得施工许可证即开工建设", ["evidence"] = "现场检查笔录.pdf",
        };
        if (mitigatingGrounds is not null) investigation["mitigatingGrounds"] = mitigatingGrounds;
        state = await CompleteAsync(state, "investigate", "拟处罚", "officer-1", investigation);
        state = await CompleteAsync(state, "legal-review", "通过", "reviewer-1", new JsonObject { ["legalReviewOpinion"] = "事实清楚，证据确凿，程序合法" });
        state = await CompleteAsync(state, "notify-rights", "告知期满", "officer-1", new JsonObject
        {
            ["noticeServedAt"] = "2025-04-01", ["statementSubmitted"] = false, ["hearingRequested"] = false,
        });
        Assert.Equal([Decision], state.OpenWorkItems.Select(w => w.NodeId));
        return state;
    }

    private Task<CommandResult> DecideAsync(CommandResult state, double fine, string? grounds = null)
    {
        var form = new JsonObject { ["fineAmount"] = fine, ["decisionReasons"] = "案审会讨论决定" };
        if (grounds is not null) form["discretionGrounds"] = grounds;
        return CompleteAsync(state, Decision, "给予处罚", "director", form);
    }

    private async Task<JsonNode?> PenaltyJournalledAsync(Guid caseId)
    {
        var entry = (await JournalAsync(caseId)).Single(e => e.Kind == "work-item-completed" && e.NodeId == Decision);
        return JsonNode.Parse(entry.Payload)!["penalty"];
    }

    [Fact]
    public async Task A_fine_inside_the_tier_band_is_accepted_and_journalled_with_its_tier()
    {
        var state = await ToDecisionAsync("施工单位", area: 15_000);
        state = await DecideAsync(state, 8_000);

        Assert.Equal(["deliver"], state.OpenWorkItems.Select(w => w.NodeId));
        var penalty = (await PenaltyJournalledAsync(state.CaseId))!;
        Assert.Equal("轻微", (string?)penalty["tier"]);
        Assert.Equal("contractor", (string?)penalty["column"]);
        Assert.Equal(8_000m, (decimal)penalty["amount"]!);
        Assert.Equal(10_000m, (decimal)penalty["bandAmount"]!["max"]!);
        Assert.Equal("2022-07-01", (string?)penalty["effectiveFrom"]);
        Assert.Null(penalty["adjustment"]);
        Assert.Empty(await HitsAsync(state.CaseId)); // inside the band: nothing for 预警纠错
        Assert.True((await VerifyAsync(state.CaseId)).Intact);
    }

    private async Task<List<RuleHit>> HitsAsync(Guid caseId)
    {
        await using var context = Store.CreateContext();
        return await context.RuleHits.AsNoTracking().Where(h => h.CaseId == caseId).ToListAsync();
    }

    [Fact]
    public async Task A_fine_outside_the_band_without_grounds_is_refused_and_the_case_is_unchanged()
    {
        var state = await ToDecisionAsync("施工单位", area: 15_000);
        var before = await CaseAsync(state.CaseId);

        var error = await Assert.ThrowsAsync<CommandRejectedException>(() => DecideAsync(state, 15_000));

        Assert.Equal("fine-outside-band", error.Reason);
        Assert.Contains("从重", error.Message);
        var after = await CaseAsync(state.CaseId);
        Assert.Equal((before.Revision, before.JournalLength, before.JournalHead, before.Data), (after.Revision, after.JournalLength, after.JournalHead, after.Data));
        Assert.DoesNotContain("fineAmount", after.Data);
        Assert.Equal(WorkItemStatus.Open, (await WorkItemAsync(state.At(Decision).Id)).Status);
        Assert.Empty(await HitsAsync(state.CaseId)); // refused: nothing was decided, so nothing to correct
    }

    [Fact]
    public async Task A_fine_above_the_band_with_heavier_grounds_is_accepted_and_the_grounds_are_journalled()
    {
        var state = await ToDecisionAsync("施工单位", area: 15_000);
        state = await DecideAsync(state, 15_000, grounds: "经责令停止施工后仍继续施工，从重处罚");

        Assert.Equal(["deliver"], state.OpenWorkItems.Select(w => w.NodeId));
        var penalty = (await PenaltyJournalledAsync(state.CaseId))!;
        Assert.Equal(("轻微", "从重", "经责令停止施工后仍继续施工，从重处罚"), ((string?)penalty["tier"], (string?)penalty["adjustment"], (string?)penalty["grounds"]));
        // Lawful on its grounds, and kept as a 预警纠错 hit for the supervisors to review (no 督办 by default).
        var hit = Assert.Single(await HitsAsync(state.CaseId));
        Assert.Equal((Time.OversightRules.DiscretionOutsideBand, Light.Yellow, Decision, (Guid?)null), (hit.Rule, hit.Level, hit.NodeId, hit.OrderId));
        Assert.Contains("从重", hit.Detail);
        Assert.True((await VerifyAsync(state.CaseId)).Intact);
    }

    [Fact]
    public async Task A_fine_above_the_statutory_maximum_is_refused_whatever_the_grounds()
    {
        var state = await ToDecisionAsync("施工单位", area: 60_000);
        var error = await Assert.ThrowsAsync<CommandRejectedException>(() => DecideAsync(state, 35_000, grounds: "情节特别严重"));
        Assert.Equal("fine-above-statutory-maximum", error.Reason);
        Assert.Equal([Decision], (await WorkItemsAsync(state.CaseId)).Where(w => w.IsOpen).Select(w => w.NodeId));
    }

    [Fact]
    public async Task Below_the_statutory_minimum_mitigation_with_an_article_32_ground_and_legal_review_is_accepted()
    {
        // 建设单位, 轻微 (15 000 m²), contract price 12 000 000: band 120 000–156 000, statutory 120 000–240 000 元.
        var state = await ToDecisionAsync("建设单位", area: 15_000, mitigatingGrounds: "主动消除违法行为危害后果，已停工并补办施工许可（行政处罚法第三十二条第一项）");
        state = await DecideAsync(state, 100_000);

        Assert.Equal(["deliver"], state.OpenWorkItems.Select(w => w.NodeId));
        var penalty = (await PenaltyJournalledAsync(state.CaseId))!;
        Assert.Equal("减轻", (string?)penalty["adjustment"]);
        Assert.Equal("builder", (string?)penalty["column"]);
        Assert.Equal(120_000m, (decimal)penalty["statutoryAmount"]!["min"]!);
        Assert.Contains("第三十二条", (string?)penalty["mitigation"]);
        Assert.Equal(("legal-review", "reviewer-1", "通过"),
            ((string?)penalty["legalReview"]!["nodeId"], (string?)penalty["legalReview"]!["handler"], (string?)penalty["legalReview"]!["outcome"]));
    }

    [Fact]
    public async Task Below_the_statutory_minimum_without_an_article_32_ground_is_refused()
    {
        var state = await ToDecisionAsync("建设单位", area: 15_000);
        var error = await Assert.ThrowsAsync<CommandRejectedException>(() => DecideAsync(state, 100_000, grounds: "当事人经济困难"));
        Assert.Equal("mitigation-needs-ground", error.Reason);
    }

    [Fact]
    public async Task A_violation_before_the_table_took_effect_is_refused_and_no_penalty_needs_no_check()
    {
        var state = await ToDecisionAsync("施工单位", area: 15_000, violationDate: "2021-05-01");
        var error = await Assert.ThrowsAsync<CommandRejectedException>(() => DecideAsync(state, 8_000));
        Assert.Equal("discretion-not-in-force", error.Reason);

        // 不予处罚 decides no fine: nothing to check against the table.
        state = await CompleteAsync(state, Decision, "不予处罚", "director", new JsonObject { ["decisionReasons"] = "违法行为轻微并及时改正" });
        Assert.Equal(CaseStatus.Completed, state.Status);
        Assert.Null(await PenaltyJournalledAsync(state.CaseId));
    }
}

public sealed class SqlitePenaltyScenarios() : PenaltyScenarios(TestDatabase.Sqlite());

public sealed class PostgresPenaltyScenarios(PostgresDatabaseFixture pg) : PenaltyScenarios(TestDatabase.Postgres(pg)), IClassFixture<PostgresDatabaseFixture>;
