using System.Text.Json.Nodes;
using Bpm.Definitions;
using Bpm.Engine.Commands;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Testing;

namespace Bpm.Engine.Tests;

/// <summary>Transactions, races, idempotency, restarts, the journal chain and definition versions, on both databases.</summary>
public abstract class DurabilityScenarios(TestDatabase database) : EngineTestBase(database)
{
    [Fact]
    public async Task Two_concurrent_completes_of_one_work_item_give_one_success_and_one_conflict()
    {
        var code = await PublishJointAsync("all");
        var state = await ApplyAndAcceptAsync(code);
        var item = state.At("a1");
        var racing = new CaseEngine(new GatedStore(Store, parties: 2));

        var attempts = new[] { "a-1", "a-2" }.Select(h => Task.Run(() => racing.ExecuteAsync(new Complete(item.Id, Handler(h), "同意")))).ToArray();
        var outcomes = await Task.WhenAll(attempts.Select(async t => { try { await t; return null; } catch (Exception e) { return e; } }));

        Assert.Single(outcomes, e => e is null);
        var conflict = Assert.IsType<StateConflictException>(Assert.Single(outcomes, e => e is not null));
        Assert.Equal("work-item-completed", conflict.Reason);
        var journal = await JournalAsync(state.CaseId);
        Assert.Single(journal, e => e.Kind == "work-item-completed" && e.NodeId == "a1");
        Assert.True((await VerifyAsync(state.CaseId)).Intact);
    }

    [Fact]
    public async Task Two_branches_finishing_at_the_same_instant_both_succeed_and_the_join_fires_once()
    {
        var code = await PublishJointAsync("all");
        var state = await ApplyAndAcceptAsync(code);
        foreach (var node in new[] { "b1", "b2", "c1t" }) state = await CompleteAsync(state, node);
        var last = new[] { state.At("a1"), state.At("c2t") };
        var racing = new CaseEngine(new GatedStore(Store, parties: 2));

        var results = await Task.WhenAll(last.Select(w => Task.Run(() => racing.ExecuteAsync(new Complete(w.Id, Handler("h-" + w.NodeId), "同意")))));

        Assert.Equal(2, results.Length);
        var final = results.MaxBy(r => r.Revision)!;
        Assert.Equal(["consolidate"], final.OpenWorkItems.Select(w => w.NodeId));
        var journal = await JournalAsync(state.CaseId);
        Assert.Single(journal, e => e.Kind == "joint-review-decided" && e.NodeId == "review");
        Assert.Single(await WorkItemsAsync(state.CaseId), w => w.NodeId == "consolidate");
        Assert.True(racing.Retries >= 1, "one of the two commands must have been retried after a conflict");
        Assert.True((await VerifyAsync(state.CaseId)).Intact);
    }

    [Fact]
    public async Task A_repeated_idempotency_key_returns_the_first_result_and_changes_nothing()
    {
        var code = await PublishJointAsync("all");
        var apply = new Apply(code, Applicant, new JsonObject { ["amount"] = 10 }) { IdempotencyKey = "apply-" + Guid.NewGuid() };
        var first = await Run(apply);
        var repeat = await Run(apply);
        Assert.Equal(first.CaseId, repeat.CaseId);

        var accept = new Accept(first.At("accept").Id, Handler("w")) { IdempotencyKey = "accept-" + Guid.NewGuid() };
        var accepted = await Run(accept);
        var before = await CaseAsync(first.CaseId);
        var again = await Run(accept);
        var after = await CaseAsync(first.CaseId);

        Assert.Equal(accepted.Revision, again.Revision);
        Assert.Equal(accepted.OpenWorkItems.Select(w => w.Id), again.OpenWorkItems.Select(w => w.Id));
        Assert.Equal((before.Revision, before.JournalLength, before.JournalHead), (after.Revision, after.JournalLength, after.JournalHead));
        await using var context = Store.CreateContext();
        Assert.Single(context.Cases.Where(c => c.PowerCode == code));
    }

    [Fact]
    public async Task A_case_carries_on_in_a_new_engine_instance_over_the_same_database()
    {
        var code = await PublishJointAsync("all");
        var state = await ApplyAndAcceptAsync(code);
        state = await CompleteAsync(state, "a1");

        var (store, engine) = Reopen();
        await using (store)
        {
            foreach (var node in new[] { "b1", "b2", "c1t", "c2t", "consolidate" })
                state = await engine.ExecuteAsync(new Complete(state.At(node).Id, Handler("h2"), node == "consolidate" ? "准予" : "同意"));
            Assert.Equal(("准予", CaseStatus.Completed), (state.Result, state.Status));
            Assert.True((await engine.VerifyJournalAsync(state.CaseId)).Intact);
        }
    }

    [Fact]
    public async Task Verify_finds_an_edited_journal_row_and_a_removed_one()
    {
        var code = await PublishJointAsync("all");
        var state = await ApplyAndAcceptAsync(code);
        state = await CompleteAsync(state, "a1", "不同意");
        var journal = await JournalAsync(state.CaseId);
        Assert.True((await VerifyAsync(state.CaseId)).Intact);
        var target = journal.First(e => e.Kind == "work-item-completed" && e.NodeId == "a1");

        var edited = target.Payload.Replace("不同意", "同意");
        Assert.Equal(1, await ExecuteSqlAsync($"UPDATE journal_entries SET payload = {edited} WHERE case_id = {state.CaseId} AND seq = {target.Seq}"));
        var altered = await VerifyAsync(state.CaseId);
        Assert.False(altered.Intact);
        Assert.Equal(target.Seq, altered.FirstBadSeq);
        Assert.Contains("altered", altered.Problem);

        Assert.Equal(1, await ExecuteSqlAsync($"UPDATE journal_entries SET payload = {target.Payload} WHERE case_id = {state.CaseId} AND seq = {target.Seq}"));
        Assert.True((await VerifyAsync(state.CaseId)).Intact);
        Assert.Equal(1, await ExecuteSqlAsync($"DELETE FROM journal_entries WHERE case_id = {state.CaseId} AND seq = 2"));
        var removed = await VerifyAsync(state.CaseId);
        Assert.Equal((false, 2), (removed.Intact, removed.FirstBadSeq));
        Assert.Contains("missing", removed.Problem);
    }

    [Fact]
    public async Task Verify_finds_the_newest_entries_removed()
    {
        var code = await PublishJointAsync("all");
        var state = await ApplyAndAcceptAsync(code);
        var length = (await CaseAsync(state.CaseId)).JournalLength;
        Assert.Equal(1, await ExecuteSqlAsync($"DELETE FROM journal_entries WHERE case_id = {state.CaseId} AND seq = {length}"));
        var result = await VerifyAsync(state.CaseId);
        Assert.Equal((false, length), (result.Intact, result.FirstBadSeq));
    }

    [Fact]
    public async Task Publishing_numbers_versions_and_an_unchanged_definition_is_a_no_op()
    {
        var code = TestDefinitions.NewCode();
        var text = TestDefinitions.Joint(code);
        var v1 = await Engine.Definitions.PublishAsync(text, DefinitionFormat.Yaml, "dept");
        var same = await Engine.Definitions.PublishAsync(text, DefinitionFormat.Yaml, "dept");
        Assert.Equal((1, true), (v1.Version, v1.Created));
        Assert.Equal((1, false, v1.DefinitionVersionId), (same.Version, same.Created, same.DefinitionVersionId));

        var onV1 = await ApplyAndAcceptAsync(code);
        var v2 = await Engine.Definitions.PublishAsync(text.Replace("promised: 10 工作日", "promised: 8 工作日"), DefinitionFormat.Yaml, "dept");
        Assert.Equal((2, true), (v2.Version, v2.Created));
        Assert.NotEqual(v1.ContentHash, v2.ContentHash);

        var onV2 = await ApplyAsync(code);
        Assert.Equal(2, (await CaseAsync(onV2.CaseId)).Version);
        onV1 = await CompleteAsync(onV1, "a1");
        Assert.Equal(1, (await CaseAsync(onV1.CaseId)).Version); // pinned to the version it started on

        var invalid = await Assert.ThrowsAsync<DefinitionRejectedException>(() =>
            Engine.Definitions.PublishAsync(text.Replace("join: all", "join: most"), DefinitionFormat.Yaml, "dept"));
        Assert.Contains(invalid.Diagnostics, d => d.Code == "BPM0005" || d.IsError);
        Assert.Equal(2, (await Engine.Definitions.PublishAsync(text.Replace("promised: 10 工作日", "promised: 8 工作日"), DefinitionFormat.Yaml, "dept")).Version);
    }

    [Fact]
    public async Task Suspended_and_abolished_versions_take_no_new_cases_but_running_ones_continue()
    {
        var code = await PublishJointAsync("all");
        var running = await ApplyAndAcceptAsync(code);

        await Engine.Definitions.SuspendAsync(code, 1);
        var suspended = await Assert.ThrowsAsync<StateConflictException>(() => ApplyAsync(code));
        Assert.Equal("definition-suspended", suspended.Reason);
        running = await CompleteAsync(running, "a1");

        await Engine.Definitions.ResumeAsync(code, 1);
        await ApplyAsync(code);

        await Engine.Definitions.AbolishAsync(code, 1);
        var abolished = await Assert.ThrowsAsync<StateConflictException>(() => ApplyAsync(code));
        Assert.Equal("definition-abolished", abolished.Reason);
        await Assert.ThrowsAsync<StateConflictException>(() => Engine.Definitions.ResumeAsync(code, 1));
        running = await CompleteAsync(running, "b1");
        running = await Run(new Terminate(running.CaseId, Admin, "事项已废止"));
        Assert.Equal(CaseStatus.Terminated, running.Status);
    }
}

public sealed class SqliteDurabilityScenarios() : DurabilityScenarios(TestDatabase.Sqlite());

public sealed class PostgresDurabilityScenarios(PostgresDatabaseFixture pg) : DurabilityScenarios(TestDatabase.Postgres(pg)), IClassFixture<PostgresDatabaseFixture>;
