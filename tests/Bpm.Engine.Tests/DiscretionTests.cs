using System.Text.Json;
using System.Text.Json.Nodes;
using Bpm.Definitions;
using Bpm.Definitions.Model;
using Bpm.Engine.Discretion;
using Bpm.Engine.Journal;
using Bpm.Engine.Runtime;
using Bpm.Testing;

namespace Bpm.Engine.Tests;

/// <summary>
/// 裁量基准 at run time without a database: the tier the facts select, bands in yuan, the version in force on the
/// violation date, and rule 17's check of a decided fine. Table: domain.md §5 Example A as CF00301012 publishes it
/// (建设单位 1%–2% of 工程合同价款, 施工单位 ≤ 3万元; 轻微 / 一般 / 严重).
/// </summary>
public sealed class DiscretionTests
{
    private const string Table = "unlicensed-construction";
    private static readonly DateOnly ViolationDay = new(2025, 5, 6);
    private static readonly DiscretionAssessor Assessor = new();

    private static readonly Lazy<ProcessDefinition> Catalog = new(() =>
    {
        var file = RepositoryPaths.CatalogFiles().Single(f => Path.GetFileName(f).StartsWith("CF00301012", StringComparison.Ordinal));
        var compiled = DefinitionCompiler.Compile(File.ReadAllText(file), DefinitionFormat.Yaml);
        Assert.True(compiled.Succeeded, string.Join("\n", compiled.Diagnostics.Select(d => d.Message)));
        return compiled.Definition!;
    });

    private static ProcessDefinition Penalty => Catalog.Value;

    private static JsonObject Building(double area, double? contractPrice = null, bool serious = false)
    {
        var facts = new JsonObject { ["projectKind"] = "房屋建筑工程", ["area"] = area, ["seriousConsequence"] = serious };
        if (contractPrice is { } price) facts["contractPrice"] = price;
        return facts;
    }

    private static Assessment Assess(JsonObject facts, DateOnly? date = null, ProcessDefinition? definition = null) =>
        Assessor.Assess(definition ?? Penalty, Table, facts, date ?? ViolationDay);

    // ---- assessment ----

    [Fact]
    public void A_small_building_is_minor_with_the_contractor_band_up_to_ten_thousand_yuan()
    {
        var a = Assess(Building(15_000));

        Assert.Equal("轻微", a.Tier!.Level);
        Assert.True(a.TierFound);
        Assert.Null(a.Message);
        Assert.Equal(["轻微"], a.MatchingTiers);
        Assert.Equal(new DateOnly(2022, 7, 1), a.EffectiveFrom);
        Assert.Equal(["责令停止施工", "限期改正"], a.Measures);
        Assert.Contains("第十二条", a.Basis);
        var contractor = a.Column("施工单位")!;
        Assert.Equal("contractor", contractor.Id);
        Assert.Equal(new AmountRange(0, 10_000), contractor.BandAmount);
        Assert.Equal(new AmountRange(0, 30_000), contractor.StatutoryAmount);
        Assert.Null(contractor.Note);
    }

    [Fact]
    public void The_builder_band_in_percent_becomes_yuan_from_the_contract_price()
    {
        var a = Assess(Building(38_000, contractPrice: 96_000_000));

        Assert.Equal("一般", a.Tier!.Level);
        var builder = a.Column("builder")!;
        Assert.Equal(("%", "工程合同价款", 1.3m, 1.7m), (builder.Band!.Unit, builder.Band.Of, builder.Band.Min, builder.Band.Max));
        Assert.Equal("contractPrice", builder.Base);
        Assert.Equal(96_000_000m, builder.BaseAmount);
        Assert.Equal(new AmountRange(1_248_000, 1_632_000), builder.BandAmount);
        Assert.Equal(new AmountRange(960_000, 1_920_000), builder.StatutoryAmount);
    }

    [Fact]
    public void Without_the_base_the_percent_band_has_no_yuan_range_and_says_which_fact_is_missing()
    {
        var builder = Assess(Building(38_000)).Column("builder")!;

        Assert.NotNull(builder.Band);
        Assert.Null(builder.BandAmount);
        Assert.Null(builder.StatutoryAmount);
        Assert.Contains("工程合同价款", builder.Note);
        Assert.Contains("contractPrice", builder.Note);
    }

    [Fact]
    public void A_caller_without_forms_may_give_the_base_under_its_name()
    {
        var facts = Building(10_000);
        facts["工程合同价款"] = 12_345.67;

        var builder = Assess(facts).Column("builder")!;

        Assert.Equal("工程合同价款", builder.Base);
        // 1% of 12 345.67 is 123.4567 and 1.3% is 160.49371: whole 分 inside the exact band.
        Assert.Equal(new AmountRange(123.46m, 160.49m), builder.BandAmount);
        Assert.Equal(new AmountRange(123.46m, 246.91m), builder.StatutoryAmount);
    }

    [Theory]
    [InlineData(60_000, false, "严重")]
    [InlineData(50_000, false, "一般")]
    [InlineData(19_999.5, false, "轻微")]
    [InlineData(5_000, true, "严重")]
    public void The_facts_select_the_tier(double area, bool serious, string tier)
    {
        Assert.Equal(tier, Assess(Building(area, serious: serious)).Tier!.Level);
    }

    [Fact]
    public void Municipal_works_are_tiered_by_their_scale()
    {
        var facts = new JsonObject { ["projectKind"] = "市政基础设施工程", ["municipalScale"] = "中型", ["area"] = 100, ["seriousConsequence"] = false };
        Assert.Equal("一般", Assess(facts).Tier!.Level);
    }

    [Fact]
    public void When_several_tiers_match_the_highest_applies()
    {
        var entry = Penalty.Discretion.Single();
        var everything = entry with { Tiers = entry.Tiers.Select(t => t with { When = "data.area > 0" }).ToValueList() };
        var a = Assess(Building(1_000), definition: Penalty with { Discretion = ValueList.Of(everything) });

        Assert.Equal("严重", a.Tier!.Level);
        Assert.Equal(["轻微", "一般", "严重"], a.MatchingTiers);
    }

    [Fact]
    public void When_no_tier_matches_the_result_says_so_and_lists_every_tiers_circumstances()
    {
        // A municipal project whose scale is not recorded fits none of the selectors.
        var facts = new JsonObject { ["projectKind"] = "市政基础设施工程", ["area"] = 100, ["seriousConsequence"] = false };
        var a = Assess(facts);

        Assert.False(a.TierFound);
        Assert.Null(a.Tier);
        Assert.Empty(a.MatchingTiers);
        Assert.All(a.Columns, c => Assert.Null(c.Band));
        Assert.Contains("no tier", a.Message);
        foreach (var circumstance in new[] { "小型市政工程", "中型市政工程", "大型市政工程", "造成严重危害后果" }) Assert.Contains(circumstance, a.Message);
        Assert.Equal(["轻微", "一般", "严重"], a.Tiers.Select(t => t.Level));
    }

    // ---- the version in force on the violation date ----

    private static ProcessDefinition TwoVersions()
    {
        var current = Penalty.Discretion.Single();
        var older = current with
        {
            EffectiveFrom = new DateOnly(2019, 1, 1),
            Tiers = current.Tiers.Select(t => t with
            {
                Bands = t.Bands.Select(b => b.Column == "contractor" ? b with { Band = b.Band with { Min = b.Band.Min / 2, Max = b.Band.Max / 2 } } : b).ToValueList(),
            }).ToValueList(),
            Columns = current.Columns.Select(c => c.Id == "contractor" ? c with { Statutory = c.Statutory with { Max = 15_000 } } : c).ToValueList(),
        };
        return Penalty with { Discretion = ValueList.Of(older, current) };
    }

    [Theory]
    [InlineData("2019-01-01", "2019-01-01", 5_000)]
    [InlineData("2022-06-30", "2019-01-01", 5_000)]
    [InlineData("2022-07-01", "2022-07-01", 10_000)]
    [InlineData("2026-01-01", "2022-07-01", 10_000)]
    public void The_table_version_is_the_latest_in_force_on_the_violation_date(string violated, string effective, decimal minorMax)
    {
        var a = Assess(Building(1_000), DateOnly.Parse(violated), TwoVersions());

        Assert.Equal(DateOnly.Parse(effective), a.EffectiveFrom);
        Assert.Equal(minorMax, a.Column("contractor")!.BandAmount!.Max);
    }

    [Fact]
    public void A_violation_before_every_version_is_refused_clearly()
    {
        var error = Assert.Throws<CommandRejectedException>(() => Assess(Building(1_000), new DateOnly(2018, 12, 31), TwoVersions()));
        Assert.Equal("discretion-not-in-force", error.Reason);
        Assert.Contains("2018-12-31", error.Message);
        Assert.Contains("2019-01-01", error.Message);
    }

    [Fact]
    public void An_unknown_table_is_not_found_and_a_table_may_be_named_by_its_violation()
    {
        var error = Assert.Throws<NotFoundException>(() => Assessor.Assess(Penalty, "no-such-table", Building(1_000), ViolationDay));
        Assert.Equal("discretion-table-not-found", error.Reason);
        Assert.Contains(Table, error.Message);

        Assert.Equal(Table, Assessor.Assess(Penalty, "未取得施工许可证擅自施工", Building(1_000), ViolationDay).Table);
    }

    [Fact]
    public void A_selector_that_fails_is_a_refusal_not_a_crash()
    {
        var entry = Penalty.Discretion.Single();
        var broken = entry with { Tiers = entry.Tiers.Select((t, i) => i == 0 ? t with { When = "data.nothing.deeper > 1" } : t).ToValueList() };
        var error = Assert.Throws<CommandRejectedException>(() => Assess(Building(1_000), definition: Penalty with { Discretion = ValueList.Of(broken) }));
        Assert.Equal("tier-condition-failed", error.Reason);
        Assert.Contains("轻微", error.Message);
    }

    [Fact]
    public void The_http_request_form_checks_the_power_and_serializes_cleanly()
    {
        var request = JsonSerializer.Deserialize<AssessmentRequest>(
            """{"powerCode":"CF00301012","violation":"unlicensed-construction","facts":{"projectKind":"房屋建筑工程","area":38000,"contractPrice":96000000,"seriousConsequence":false},"violationDate":"2025-05-06"}""",
            JsonSerializerOptions.Web)!;
        var a = Assessor.Assess(Penalty, request);

        var json = JsonNode.Parse(JsonSerializer.Serialize(a, JsonSerializerOptions.Web))!;
        Assert.Equal("一般", (string?)json["tier"]!["level"]);
        Assert.True((bool)json["tierFound"]!);
        Assert.Equal("2022-07-01", (string?)json["effectiveFrom"]);
        var builder = json["columns"]!.AsArray().Single(c => (string?)c!["id"] == "builder")!;
        Assert.Equal(1_248_000m, (decimal)builder["bandAmount"]!["min"]!);
        Assert.Equal("%", (string?)builder["band"]!["unit"]);

        var elsewhere = Assert.Throws<CommandRejectedException>(() => Assessor.Assess(Penalty, request with { PowerCode = "CF00301099" }));
        Assert.Equal("power-mismatch", elsewhere.Reason);
    }

    // ---- rule 17: the decided fine against the band ----

    private static readonly DecisionGrounds None = new();
    private static readonly LegalReviewRecord Reviewed = new("legal-review", "reviewer-1", new DateTime(2025, 6, 1, 2, 0, 0, DateTimeKind.Utc), "通过");

    private static PenaltyDecision Decide(Assessment a, string column, decimal amount, DecisionGrounds? grounds = null) =>
        PenaltyDecisionCheck.Check(a, column, amount, grounds ?? None);

    private static string Refusal(Assessment a, string column, decimal amount, DecisionGrounds? grounds = null) =>
        Assert.Throws<CommandRejectedException>(() => Decide(a, column, amount, grounds)).Reason;

    [Theory]
    [InlineData(0)]
    [InlineData(8_000)]
    [InlineData(10_000)]
    public void A_fine_inside_the_tier_band_is_accepted_without_grounds(decimal amount)
    {
        var decision = Decide(Assess(Building(15_000)), "contractor", amount);

        Assert.Equal(("轻微", "contractor", "施工单位", amount), (decision.Tier, decision.Column, decision.ColumnName, decision.Amount));
        Assert.Null(decision.Adjustment);
        Assert.Equal(new AmountRange(0, 10_000), decision.BandAmount);
        Assert.Equal(Table, decision.Table);
        Assert.Equal(ViolationDay, decision.ViolationDate);
    }

    [Fact]
    public void Above_the_band_inside_the_statutory_range_needs_recorded_heavier_grounds()
    {
        var minor = Assess(Building(15_000));
        Assert.Equal("fine-outside-band", Refusal(minor, "contractor", 12_000));
        Assert.Equal("fine-outside-band", Refusal(minor, "contractor", 12_000, new DecisionGrounds { Grounds = "  " }));

        var decision = Decide(minor, "施工单位", 12_000, new DecisionGrounds { Grounds = "拒不停止施工，经两次责令仍继续施工" });
        Assert.Equal(PenaltyDecisionCheck.Heavier, decision.Adjustment);
        Assert.Equal("拒不停止施工，经两次责令仍继续施工", decision.Grounds);
    }

    [Fact]
    public void Below_the_band_inside_the_statutory_range_needs_recorded_lighter_grounds()
    {
        var general = Assess(Building(30_000));
        Assert.Equal("一般", general.Tier!.Level);
        var error = Assert.Throws<CommandRejectedException>(() => Decide(general, "contractor", 5_000));
        Assert.Equal("fine-outside-band", error.Reason);
        Assert.Contains("10,000–20,000 元", error.Message);

        var decision = Decide(general, "contractor", 5_000, new DecisionGrounds { Grounds = "主动停止施工并补办手续" });
        Assert.Equal(PenaltyDecisionCheck.Lighter, decision.Adjustment);
    }

    [Fact]
    public void Above_the_statutory_maximum_is_always_refused()
    {
        var severe = Assess(Building(60_000, contractPrice: 96_000_000));
        var everything = new DecisionGrounds { Grounds = "情节特别严重", Mitigation = "无", LegalReview = Reviewed };
        Assert.Equal("fine-above-statutory-maximum", Refusal(severe, "contractor", 30_000.01m, everything));
        Assert.Equal("fine-above-statutory-maximum", Refusal(severe, "builder", 1_920_000.01m, everything));
        Assert.Equal("严重", Decide(severe, "builder", 1_920_000).Tier);
    }

    [Fact]
    public void Below_the_statutory_minimum_only_as_mitigation_with_an_article_32_ground_and_legal_review()
    {
        // 建设单位, 一般: band 1 248 000–1 632 000, statutory 960 000–1 920 000 元.
        var general = Assess(Building(38_000, contractPrice: 96_000_000));
        Assert.Equal("mitigation-needs-ground", Refusal(general, "builder", 900_000, new DecisionGrounds { Grounds = "配合查处", LegalReview = Reviewed }));
        Assert.Equal("mitigation-needs-legal-review", Refusal(general, "builder", 900_000, new DecisionGrounds { Mitigation = "主动消除违法行为危害后果" }));

        var decision = Decide(general, "建设单位", 900_000, new DecisionGrounds { Mitigation = "主动消除违法行为危害后果（第三十二条第一项）", LegalReview = Reviewed });
        Assert.Equal(PenaltyDecisionCheck.Mitigated, decision.Adjustment);
        Assert.Equal(Reviewed, decision.LegalReview);
        Assert.Equal("主动消除违法行为危害后果（第三十二条第一项）", decision.Mitigation);
        Assert.Equal(new AmountRange(960_000, 1_920_000), decision.StatutoryAmount);
    }

    [Fact]
    public void The_band_edges_count_as_inside_and_a_fen_beyond_them_does_not()
    {
        var general = Assess(Building(38_000, contractPrice: 96_000_000));
        Assert.Null(Decide(general, "builder", 1_248_000).Adjustment);
        Assert.Null(Decide(general, "builder", 1_632_000).Adjustment);
        Assert.Equal("fine-outside-band", Refusal(general, "builder", 1_632_000.01m));
        Assert.Equal("fine-outside-band", Refusal(general, "builder", 1_247_999.99m));
    }

    [Fact]
    public void A_fine_cannot_be_checked_without_a_tier_a_known_column_or_the_base()
    {
        var noTier = Assess(new JsonObject { ["projectKind"] = "市政基础设施工程", ["area"] = 1, ["seriousConsequence"] = false });
        var error = Assert.Throws<CommandRejectedException>(() => Decide(noTier, "contractor", 1_000));
        Assert.Equal("no-tier-matches", error.Reason);
        Assert.Contains("小型市政工程", error.Message);

        Assert.Equal("unknown-discretion-column", Refusal(Assess(Building(1_000)), "监理单位", 1_000));
        Assert.Equal("discretion-base-missing", Refusal(Assess(Building(1_000)), "builder", 1_000));
        Assert.Equal("fine-negative", Refusal(Assess(Building(1_000)), "contractor", -1));
    }

    [Fact]
    public void A_decision_serializes_for_the_journal()
    {
        var decision = Decide(Assess(Building(38_000, contractPrice: 96_000_000)), "builder", 900_000,
            new DecisionGrounds { Mitigation = "受他人胁迫", LegalReview = Reviewed });
        var json = JsonNode.Parse(JsonSerializer.Serialize(decision, JournalChain.PayloadJson))!;

        Assert.Equal("减轻", (string?)json["adjustment"]);
        Assert.Equal("一般", (string?)json["tier"]);
        Assert.Equal(960_000m, (decimal)json["statutoryAmount"]!["min"]!);
        Assert.Equal("reviewer-1", (string?)json["legalReview"]!["handler"]);
        Assert.Null(json["grounds"]);
    }
}
