using System.Diagnostics;
using System.Text.Json.Nodes;
using Bpm.Engine.Commands;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Testing;

namespace Bpm.Engine.Tests;

/// <summary>What handlers and applicants do to a running case: send back, supplement, withdraw, take back, transfer …</summary>
public abstract class HandlingScenarios(TestDatabase database) : EngineTestBase(database)
{
    [Fact]
    public async Task Send_back_within_a_branch_reopens_the_earlier_step_and_the_redo_continues()
    {
        var code = await PublishJointAsync("all");
        var state = await ApplyAndAcceptAsync(code);
        state = await CompleteAsync(state, "b1", handler: "b-clerk");
        state = await Run(new SendBack(state.At("b2").Id, Handler("b-head"), "b1", "材料核查不全，请重新审查"));
        Assert.Contains(state.OpenWorkItems, w => w.NodeId == "b1");
        Assert.DoesNotContain(state.OpenWorkItems, w => w.NodeId == "b2");

        state = await CompleteAsync(state, "b1", handler: "b-clerk");
        foreach (var node in new[] { "b2", "a1", "c1t", "c2t" }) state = await CompleteAsync(state, node);
        Assert.Equal(["consolidate"], state.OpenWorkItems.Select(w => w.NodeId));
        var b1Visits = (await VisitsAsync(state.CaseId)).Where(v => v.NodeId == "b1").ToList();
        Assert.Equal(2, b1Visits.Count);
        var b2Visits = (await VisitsAsync(state.CaseId)).Where(v => v.NodeId == "b2").ToList();
        Assert.Equal("退回", b2Visits[0].Outcome);
    }

    [Fact]
    public async Task Send_back_from_consolidation_to_the_joint_review_starts_a_fresh_round()
    {
        var code = await PublishJointAsync("all");
        var state = await ApplyAndAcceptAsync(code);
        foreach (var node in new[] { "a1", "b1", "b2", "c1t", "c2t" }) state = await CompleteAsync(state, node);
        state = await Run(new SendBack(state.At("consolidate").Id, Handler("director"), "review", "请各部门按修改后的方案重新审查"));
        Assert.Equal(["a1", "b1", "c1t", "c2t"], state.OpenWorkItems.Select(w => w.NodeId).Order());

        // The first round's verdicts do not count: the join waits for the new round.
        foreach (var node in new[] { "a1", "b1", "b2", "c1t" }) state = await CompleteAsync(state, node);
        Assert.DoesNotContain(state.OpenWorkItems, w => w.NodeId == "consolidate");
        state = await CompleteAsync(state, "c2t");
        state = await CompleteAsync(state, "consolidate", "准予");
        Assert.Equal("准予", state.Result);
    }

    [Fact]
    public async Task Send_back_out_of_a_joint_review_cancels_the_other_branches()
    {
        var code = await PublishJointAsync("all");
        var state = await ApplyAndAcceptAsync(code);
        state = await Run(new SendBack(state.At("a1").Id, Handler("a-1"), "accept", "申请材料与现场不符，退回受理"));
        Assert.Equal(["accept"], state.OpenWorkItems.Select(w => w.NodeId));
        var items = await WorkItemsAsync(state.CaseId);
        Assert.All(items.Where(w => w.NodeId is "b1" or "c1t" or "c2t"), w => Assert.Equal(WorkItemStatus.Cancelled, w.Status));
    }

    [Fact]
    public async Task Send_back_to_a_step_not_yet_passed_is_refused()
    {
        var code = await PublishJointAsync("all");
        var state = await ApplyAsync(code);
        var error = await Assert.ThrowsAsync<CommandRejectedException>(() => Run(new SendBack(state.At("accept").Id, Handler("w"), "consolidate", "x")));
        Assert.Equal("not-visited", error.Reason);
    }

    [Fact]
    public async Task Supplement_waits_for_the_applicant_then_acceptance_runs_again()
    {
        var code = await PublishJointAsync("all");
        var state = await ApplyAsync(code);
        state = await Run(new RequestSupplement(state.At("accept").Id, Handler("window-1"), ["营业执照复印件", "法定代表人身份证明"]));
        Assert.Equal(CaseStatus.AwaitingSupplement, state.Status);
        Assert.Empty(state.OpenWorkItems);

        await Assert.ThrowsAsync<ForbiddenException>(() => Run(new SubmitSupplement(state.CaseId, Handler("someone-else"), [])));
        state = await Run(new SubmitSupplement(state.CaseId, Applicant, new JsonObject { ["amount"] = 2000 }));
        Assert.Equal(CaseStatus.Running, state.Status);
        state = await Run(new Accept(state.At("accept").Id, Handler("window-1")));
        Assert.Contains(state.OpenWorkItems, w => w.NodeId == "a1");

        var accepts = (await VisitsAsync(state.CaseId)).Where(v => v.NodeId == "accept").ToList();
        Assert.Equal(["补正", "受理"], accepts.Select(v => v.Outcome));
        var journal = await JournalAsync(state.CaseId);
        Assert.Contains(journal, e => e.Kind == "supplement-requested" && e.Payload.Contains("营业执照复印件"));
        Assert.Equal(2000, (int)JsonNode.Parse((await CaseAsync(state.CaseId)).Data)!["amount"]!);
    }

    [Fact]
    public async Task Withdraw_is_possible_until_the_decision_then_refused()
    {
        var code = await PublishJointAsync("all");
        var state = await ApplyAndAcceptAsync(code);
        state = await Run(new Withdraw(state.CaseId, Applicant, "项目计划调整"));
        Assert.Equal((CaseStatus.Withdrawn, "撤回"), (state.Status, state.Result));
        Assert.All(await WorkItemsAsync(state.CaseId), w => Assert.NotEqual(WorkItemStatus.Open, w.Status));

        var permit = await PublishCatalogAsync("XK00301001");
        var data = new JsonObject { ["projectName"] = "城北学校", ["area"] = 12000, ["contractPrice"] = 30_000_000, ["civilDefenceRequired"] = false };
        var decided = await Run(new Apply(permit, Applicant, data));
        decided = await Run(new Accept(decided.At("accept").Id, Handler("w")));
        decided = await CompleteAsync(decided, "fire-review", form: new JsonObject { ["fireOpinion"] = "合格" });
        foreach (var node in new[] { "civil-defence-review", "permit-review", "permit-approve" }) decided = await CompleteAsync(decided, node);
        decided = await CompleteAsync(decided, "consolidate", "准予");
        var error = await Assert.ThrowsAsync<StateConflictException>(() => Run(new Withdraw(decided.CaseId, Applicant, "不想要了")));
        Assert.Equal("decided", error.Reason);
        await Assert.ThrowsAsync<ForbiddenException>(() => Run(new Withdraw(decided.CaseId, Handler("not-applicant"), "x")));
    }

    [Fact]
    public async Task Take_back_recalls_a_step_while_the_next_is_untouched_but_not_after()
    {
        var code = await PublishJointAsync("all");
        var state = await ApplyAndAcceptAsync(code);
        var b1 = state.At("b1");
        state = await CompleteAsync(state, "b1", handler: "b-clerk");
        await Assert.ThrowsAsync<ForbiddenException>(() => Run(new TakeBack(b1.Id, Handler("other"))));
        state = await Run(new TakeBack(b1.Id, Handler("b-clerk")));
        var again = state.At("b1");
        Assert.Equal("b-clerk", again.Assignee);
        Assert.DoesNotContain(state.OpenWorkItems, w => w.NodeId == "b2");

        state = await Run(new Complete(again.Id, Handler("b-clerk"), "同意"));
        state = await Run(new Claim(state.At("b2").Id, Handler("b-head")));
        var error = await Assert.ThrowsAsync<StateConflictException>(() => Run(new TakeBack(again.Id, Handler("b-clerk"))));
        Assert.Equal("next-step-started", error.Reason);
    }

    [Fact]
    public async Task Transfer_hands_the_item_over_and_splits_the_node_timing_by_department()
    {
        var code = await PublishJointAsync("all");
        var state = await ApplyAndAcceptAsync(code);
        state = await Run(new Transfer(state.At("a1").Id, Handler("a-1"), "职责调整，由丁局办理") { ToDepartment = "丁局" });
        Assert.Equal("丁局", state.At("a1").Department);
        await Assert.ThrowsAsync<ForbiddenException>(() => Run(new Complete(state.At("a1").Id, new Actor("a-1", Department: "甲局"), "同意")));
        state = await CompleteAsync(state, "a1", handler: "d-1");
        var visits = (await VisitsAsync(state.CaseId)).Where(v => v.NodeId == "a1").ToList();
        Assert.Equal([("甲局", "转办"), ("丁局", "同意")], visits.Select(v => (v.Department!, v.Outcome!)));
        Assert.Contains(await JournalAsync(state.CaseId), e => e.Kind == "transferred" && e.Payload.Contains("丁局"));
    }

    [Fact]
    public async Task A_claimed_item_can_only_be_completed_by_its_claimant()
    {
        var code = await PublishJointAsync("all");
        var state = await ApplyAndAcceptAsync(code);
        state = await Run(new Claim(state.At("a1").Id, Handler("a-1")));
        var error = await Assert.ThrowsAsync<StateConflictException>(() => CompleteAsync(state, "a1", handler: "a-2"));
        Assert.Equal("claimed-by-other", error.Reason);
        await CompleteAsync(state, "a1", handler: "a-1");
    }

    [Fact]
    public async Task Terminate_ends_the_case_and_keeps_its_cancelled_items()
    {
        var code = await PublishJointAsync("all");
        var state = await ApplyAndAcceptAsync(code);
        state = await Run(new Terminate(state.CaseId, Admin, "事项已废止"));
        Assert.Equal((CaseStatus.Terminated, "终止"), (state.Status, state.Result));
        var items = await WorkItemsAsync(state.CaseId);
        Assert.Equal(4, items.Count(w => w.Status == WorkItemStatus.Cancelled && w.CancelReason!.Contains("事项已废止")));
        await Assert.ThrowsAsync<StateConflictException>(() => Run(new Terminate(state.CaseId, Admin, "again")));
    }

    [Fact]
    public async Task Rejecting_acceptance_renders_nothing_and_ends_not_accepted()
    {
        var code = await PublishJointAsync("all");
        var state = await ApplyAsync(code);
        state = await Run(new RejectAcceptance(state.At("accept").Id, Handler("window-1"), "不属于本机关职权范围"));
        Assert.Equal("不予受理", state.Result);
        Assert.Equal("不属于本机关职权范围", (await WorkItemsAsync(state.CaseId))[0].Opinion);
    }

    [Fact]
    public async Task A_refusal_renders_the_decision_document_from_the_template()
    {
        var code = await PublishJointAsync("veto");
        var state = await ApplyAndAcceptAsync(code, amount: 5000);
        state = await CompleteAsync(state, "a1", "不同意");
        await using var context = Store.CreateContext();
        var document = Assert.Single(context.CaseDocuments.Where(d => d.CaseId == state.CaseId));
        Assert.Equal("某某建设有限公司：你申请的测试并联审批（金额5000元），经审查不予许可。意见：不同意（a1）", document.Body);
    }

    [Fact]
    public async Task Bad_commands_are_refused_and_write_nothing()
    {
        var code = await PublishJointAsync("all");
        var state = await ApplyAsync(code);
        var before = await CaseAsync(state.CaseId);

        var unknown = await Assert.ThrowsAsync<CommandRejectedException>(() => CompleteAsync(state, "accept", "批准"));
        Assert.Contains("受理, 不予受理, 补正", unknown.Message);
        var form = await Assert.ThrowsAsync<CommandRejectedException>(() =>
            Run(new Accept(state.At("accept").Id, Handler("w")) { Form = new JsonObject { ["amount"] = "很多" } }));
        Assert.Contains("'amount' (金额) must be a number", form.Message);
        await Assert.ThrowsAsync<NotFoundException>(() => Run(new Claim(Guid.NewGuid(), Handler("w"))));

        var after = await CaseAsync(state.CaseId);
        Assert.Equal((before.Revision, before.JournalLength), (after.Revision, after.JournalLength));
    }

    [Fact]
    public async Task A_condition_that_loops_forever_becomes_an_incident_not_a_hang()
    {
        var code = await PublishJointAsync("all", refuseWhen: "(function () { while (true) {} })()");
        var state = await ApplyAsync(code);
        var clock = Stopwatch.StartNew();
        state = await Run(new Accept(state.At("accept").Id, Handler("window-1")));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");

        var incident = Assert.Single(state.OpenIncidents);
        Assert.Equal("route", incident.NodeId);
        Assert.Contains("statements", incident.Message);
        Assert.Equal(CaseStatus.Running, state.Status);
        Assert.Empty(state.OpenWorkItems);
        Assert.Equal(1, (await CaseAsync(state.CaseId)).OpenIncidents);

        // Retrying runs the condition again: still looping, so a new incident with the attempt counted.
        state = await Run(new RetryIncident(state.CaseId, incident.Id, Admin));
        Assert.Equal(2, Assert.Single(state.OpenIncidents).Attempts);
    }

    [Fact]
    public async Task An_incident_from_a_throwing_condition_clears_when_corrected_data_is_retried()
    {
        var code = await PublishJointAsync("all", refuseWhen: "data.limits.max < data.amount");
        var state = await ApplyAsync(code);
        state = await Run(new Accept(state.At("accept").Id, Handler("window-1")));
        var incident = Assert.Single(state.OpenIncidents);
        Assert.Contains("threw", incident.Message);

        state = await Run(new RetryIncident(state.CaseId, incident.Id, Admin) { CorrectedData = new JsonObject { ["limits"] = new JsonObject { ["max"] = 1_000_000 } } });
        Assert.Empty(state.OpenIncidents);
        Assert.Contains(state.OpenWorkItems, w => w.NodeId == "a1");
        Assert.Equal(0, (await CaseAsync(state.CaseId)).OpenIncidents);
    }
}

public sealed class SqliteHandlingScenarios() : HandlingScenarios(TestDatabase.Sqlite());

public sealed class PostgresHandlingScenarios(PostgresDatabaseFixture pg) : HandlingScenarios(TestDatabase.Postgres(pg)), IClassFixture<PostgresDatabaseFixture>;
