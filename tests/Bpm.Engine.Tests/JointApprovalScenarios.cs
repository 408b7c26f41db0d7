using System.Text.Json.Nodes;
using Bpm.Engine.Commands;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Testing;

namespace Bpm.Engine.Tests;

/// <summary>并联审批: the whole 施工许可 case and every join policy, on both databases.</summary>
public abstract class JointApprovalScenarios(TestDatabase database) : EngineTestBase(database)
{
    [Fact]
    public async Task Construction_permit_runs_from_application_to_certificate()
    {
        var code = await PublishCatalogAsync("XK00301001");
        var data = new JsonObject { ["projectName"] = "城南安置房一期", ["area"] = 38000, ["contractPrice"] = 96_000_000, ["civilDefenceRequired"] = true };
        var state = await Run(new Apply(code, Applicant, data));
        Assert.Equal(CaseStatus.Running, state.Status);
        state = await Run(new Accept(state.At("accept").Id, Handler("window-1")));

        // Three departments at the same time.
        Assert.Equal(["civil-defence-review", "fire-review", "permit-review"], state.OpenWorkItems.Select(w => w.NodeId).Order());
        Assert.Equal("县人民防空办公室", state.At("civil-defence-review").Department);
        state = await CompleteAsync(state, "fire-review", handler: "fire-1", form: new JsonObject { ["fireOpinion"] = "消防设计审查合格" });
        state = await CompleteAsync(state, "civil-defence-review", handler: "cd-1");
        state = await CompleteAsync(state, "permit-review", handler: "permit-1");
        Assert.DoesNotContain(state.OpenWorkItems, w => w.NodeId == "consolidate"); // the join waits for permit-approve
        state = await CompleteAsync(state, "permit-approve", handler: "permit-lead");

        // The lead department consolidates, decides, and issues the certificate.
        var consolidate = state.At("consolidate");
        Assert.Equal("县住房和城乡建设局", consolidate.Department);
        state = await CompleteAsync(state, "consolidate", "准予", handler: "director");
        state = await CompleteAsync(state, "certify", handler: "window-2");
        Assert.Equal(CaseStatus.Completed, state.Status);
        Assert.Equal("准予", state.Result);
        Assert.Empty(state.OpenWorkItems);

        var visits = await VisitsAsync(state.CaseId);
        // Branch visits start in the same millisecond, so compare as a set; each node is visited once.
        Assert.Equal(
            new[] { "start", "accept", "joint-review", "fire-review", "civil-defence-review", "permit-review", "permit-approve", "consolidate", "certify", "granted" }.Order(),
            visits.Select(v => v.NodeId).Order());
        Assert.All(visits, v =>
        {
            Assert.NotNull(v.LeftAt);
            Assert.True(v.LeftAt >= v.EnteredAt);
            Assert.Equal(code, v.PowerCode);
            Assert.Equal(1, v.Version);
        });
        var fire = visits.Single(v => v.NodeId == "fire-review");
        Assert.Equal(("县住房和城乡建设局消防审查股", "fire-1", "同意"), (fire.Department, fire.Handler, fire.Outcome));
        var block = visits.Single(v => v.NodeId == "joint-review");
        Assert.Equal(("县住房和城乡建设局", "同意"), (block.Department, block.Outcome));

        var journal = await JournalAsync(state.CaseId);
        Assert.Single(journal, e => e.Kind == "joint-review-decided");
        Assert.Equal("case-ended", journal[^1].Kind);
        Assert.True((await VerifyAsync(state.CaseId)).Intact);
    }

    [Fact]
    public async Task Veto_ends_the_block_at_the_first_rejection_and_cancels_open_branches()
    {
        var code = await PublishJointAsync("veto");
        var state = await ApplyAndAcceptAsync(code);
        Assert.Equal(["a1", "b1", "c1t", "c2t"], state.OpenWorkItems.Select(w => w.NodeId).Order());
        var openBefore = state.OpenWorkItems.Where(w => w.NodeId != "a1").Select(w => w.Id).ToList();
        state = await CompleteAsync(state, "a1", "不同意");

        Assert.Equal(CaseStatus.Completed, state.Status);
        Assert.Equal("不予", state.Result);
        foreach (var id in openBefore)
        {
            var item = await WorkItemAsync(id);
            Assert.Equal(WorkItemStatus.Cancelled, item.Status);
            Assert.Contains("veto", item.CancelReason);
        }
        var journal = await JournalAsync(state.CaseId);
        Assert.Contains(journal, e => e.Kind == "document-rendered");
        Assert.Single(journal, e => e.Kind == "joint-review-decided");
    }

    [Fact]
    public async Task N_of_m_approves_once_the_quorum_is_reached()
    {
        var code = await PublishJointAsync("n-of-m", quorum: 2);
        var state = await ApplyAndAcceptAsync(code);
        state = await CompleteAsync(state, "a1");
        state = await CompleteAsync(state, "b1");
        Assert.DoesNotContain(state.OpenWorkItems, w => w.NodeId == "consolidate");
        state = await CompleteAsync(state, "b2");
        Assert.Equal(["consolidate"], state.OpenWorkItems.Select(w => w.NodeId));
        var cancelled = (await WorkItemsAsync(state.CaseId)).Where(w => w.Status == WorkItemStatus.Cancelled).Select(w => w.NodeId).Order();
        Assert.Equal(["c1t", "c2t"], cancelled);
    }

    [Fact]
    public async Task N_of_m_rejects_as_soon_as_the_quorum_cannot_be_reached()
    {
        var code = await PublishJointAsync("n-of-m", quorum: 2);
        var state = await ApplyAndAcceptAsync(code);
        state = await CompleteAsync(state, "a1", "不同意");
        Assert.Equal(CaseStatus.Running, state.Status); // 1 rejection: 2 of the remaining 2 could still approve
        state = await CompleteAsync(state, "b1", "不同意");
        Assert.Equal(("不予", CaseStatus.Completed), (state.Result, state.Status));
    }

    [Fact]
    public async Task Any_approves_on_the_first_approval_and_rejects_only_when_all_reject()
    {
        var code = await PublishJointAsync("any");
        var state = await ApplyAndAcceptAsync(code);
        state = await CompleteAsync(state, "b1", "不同意");
        state = await CompleteAsync(state, "c1t");
        Assert.DoesNotContain(state.OpenWorkItems, w => w.NodeId == "consolidate"); // inner all-join still waits for c2t
        state = await CompleteAsync(state, "a1");
        Assert.Equal(["consolidate"], state.OpenWorkItems.Select(w => w.NodeId));

        var second = await ApplyAndAcceptAsync(code);
        second = await CompleteAsync(second, "a1", "不同意");
        second = await CompleteAsync(second, "b1", "不同意");
        second = await CompleteAsync(second, "c2t", "不同意"); // the inner all-join rejects, so branch c rejects
        Assert.Equal(CaseStatus.Running, second.Status);     // c1t is still open inside the inner join
        second = await CompleteAsync(second, "c1t");
        Assert.Equal(("不予", CaseStatus.Completed), (second.Result, second.Status));
    }

    [Fact]
    public async Task Nested_blocks_join_inside_out()
    {
        var code = await PublishJointAsync("all");
        var state = await ApplyAndAcceptAsync(code);
        state = await CompleteAsync(state, "c1t");
        state = await CompleteAsync(state, "c2t");
        state = await CompleteAsync(state, "a1");
        state = await CompleteAsync(state, "b1");
        Assert.DoesNotContain(state.OpenWorkItems, w => w.NodeId == "consolidate");
        state = await CompleteAsync(state, "b2");
        state = await CompleteAsync(state, "consolidate", "准予");
        Assert.Equal(("准予", CaseStatus.Completed), (state.Result, state.Status));

        var visits = await VisitsAsync(state.CaseId);
        var inner = visits.Single(v => v.NodeId == "inner");
        Assert.Equal(("丙局", "同意"), (inner.Department, inner.Outcome));
        var journal = await JournalAsync(state.CaseId);
        Assert.Equal(2, journal.Count(e => e.Kind == "joint-review-decided"));
    }

    [Fact]
    public async Task All_waits_for_every_opinion_then_rejects_if_any_rejected()
    {
        var code = await PublishJointAsync("all");
        var state = await ApplyAndAcceptAsync(code);
        state = await CompleteAsync(state, "a1", "不同意");
        Assert.Contains(state.OpenWorkItems, w => w.NodeId == "b1"); // unlike veto, the others still give their opinion
        state = await CompleteAsync(state, "b1");
        state = await CompleteAsync(state, "b2");
        state = await CompleteAsync(state, "c1t");
        state = await CompleteAsync(state, "c2t");
        Assert.Equal(("不予", CaseStatus.Completed), (state.Result, state.Status));
    }

    [Fact]
    public async Task An_added_signer_is_one_more_branch_the_join_waits_for()
    {
        var code = await PublishJointAsync("all");
        var state = await ApplyAndAcceptAsync(code);
        state = await Run(new AddSigner(state.CaseId, Handler("lead-1"), "review", "县自然资源局", "审查员"));
        var signer = state.OpenWorkItems.Single(w => w.Department == "县自然资源局");
        foreach (var node in new[] { "a1", "b1", "b2", "c1t", "c2t" }) state = await CompleteAsync(state, node);
        Assert.DoesNotContain(state.OpenWorkItems, w => w.NodeId == "consolidate");
        state = await Run(new Complete(signer.Id, Handler("nr-1"), "同意"));
        Assert.Equal(["consolidate"], state.OpenWorkItems.Select(w => w.NodeId));
        Assert.Contains(await JournalAsync(state.CaseId), e => e.Kind == "signer-added");
    }

    [Fact]
    public async Task Adding_a_signer_to_a_review_that_is_not_open_is_refused()
    {
        var code = await PublishJointAsync("all");
        var applied = await ApplyAsync(code);
        var error = await Assert.ThrowsAsync<StateConflictException>(() => Run(new AddSigner(applied.CaseId, Handler("lead-1"), "review", "县自然资源局", "审查员")));
        Assert.Equal("joint-review-not-open", error.Reason);
    }
}

public sealed class SqliteJointApprovalScenarios() : JointApprovalScenarios(TestDatabase.Sqlite());

public sealed class PostgresJointApprovalScenarios(PostgresDatabaseFixture pg) : JointApprovalScenarios(TestDatabase.Postgres(pg)), IClassFixture<PostgresDatabaseFixture>;
