using Bpm.Engine.Ports;
using Bpm.Engine.State;
using Microsoft.EntityFrameworkCore;
using static Bpm.Storage.Tests.Samples;

namespace Bpm.Storage.Tests;

public abstract partial class StorageTests
{
    [Fact]
    public async Task Loading_a_case_returns_only_its_live_tokens_and_open_items_visits_and_incidents()
    {
        await MigratedAsync();
        var @case = Case();
        var tokens = Enum.GetValues<TokenStatus>().Select(s => Token(@case.Id, s)).ToList();
        var items = Enum.GetValues<WorkItemStatus>().Select(s => WorkItem(@case.Id, s)).ToList();
        var openVisit = Visit(@case.Id, open: true);
        var closedVisit = Visit(@case.Id, open: false);
        var openIncident = Incident(@case.Id, open: true);
        var resolvedIncident = Incident(@case.Id, open: false);
        var other = Case();
        await SaveAsync([
            @case, .. tokens, .. items, openVisit, closedVisit, openIncident, resolvedIncident,
            other, Token(other.Id), WorkItem(other.Id, WorkItemStatus.Open), Visit(other.Id), Incident(other.Id),
        ]);

        await using var session = await Store.OpenAsync(Ct);
        var snapshot = await session.LoadCaseAsync(@case.Id, Ct);

        Assert.NotNull(snapshot);
        Assert.Contains(tokens, t => !t.IsLive);
        Assert.Contains(items, w => !w.IsOpen);
        Assert.Equal(@case.Id, snapshot.Case.Id);
        Assert.Equal(
            tokens.Where(t => t.IsLive).Select(t => t.Id).Order(),
            snapshot.Tokens.Select(t => t.Id).Order());
        Assert.Equal(
            items.Where(w => w.IsOpen).Select(w => w.Id).Order(),
            snapshot.WorkItems.Select(w => w.Id).Order());
        Assert.Equal(openVisit.Id, Assert.Single(snapshot.OpenVisits).Id);
        Assert.Equal(openIncident.Id, Assert.Single(snapshot.OpenIncidents).Id);
        Assert.Null(await session.LoadCaseAsync(Guid.NewGuid(), Ct));
    }

    [Fact]
    public async Task A_loaded_case_is_tracked_and_lookups_return_the_same_instances()
    {
        await MigratedAsync();
        var @case = Case();
        var token = Token(@case.Id);
        var open = WorkItem(@case.Id, WorkItemStatus.Open);
        var done = WorkItem(@case.Id, WorkItemStatus.Completed);
        var visit = Visit(@case.Id);
        await SaveAsync([@case, token, open, done, visit]);

        await using (var session = await Store.OpenAsync(Ct))
        {
            var snapshot = (await session.LoadCaseAsync(@case.Id, Ct))!;
            Assert.Same(snapshot.WorkItems.Single(), await session.FindWorkItemAsync(open.Id, Ct));
            Assert.Same(snapshot.OpenVisits.Single(), (await session.LoadVisitsAsync(@case.Id, Ct)).Single());
            Assert.Same(snapshot.Case, (await session.LoadCaseAsync(@case.Id, Ct))!.Case);
            Assert.Equal(WorkItemStatus.Completed, (await session.FindWorkItemAsync(done.Id, Ct))?.Status);

            // Changes to loaded rows are saved, new rows inserted.
            snapshot.Case.Revision++;
            snapshot.Case.Status = CaseStatus.Completed;
            snapshot.Tokens.Single().Status = TokenStatus.Done;
            snapshot.WorkItems.Single().Status = WorkItemStatus.Completed;
            snapshot.OpenVisits.Single().LeftAt = At(100);
            session.Add(Journal(@case.Id, 1));
            await session.SaveAsync(Ct);
        }

        await using (var session = await Store.OpenAsync(Ct))
        {
            // An item found before the case is loaded is the instance the snapshot holds.
            var found = await session.FindWorkItemAsync(done.Id, Ct);
            found!.Opinion = "changed in memory";
            var snapshot = (await session.LoadCaseAsync(@case.Id, Ct))!;
            Assert.Equal(CaseStatus.Completed, snapshot.Case.Status);
            Assert.Equal(@case.Revision + 1, snapshot.Case.Revision);
            Assert.Empty(snapshot.Tokens);
            Assert.Empty(snapshot.WorkItems);
            Assert.Empty(snapshot.OpenVisits);
            Assert.Single(await session.LoadJournalAsync(@case.Id, Ct));
        }

        var reopened = WorkItem(@case.Id, WorkItemStatus.Open);
        await SaveAsync([reopened]);
        await using (var session = await Store.OpenAsync(Ct))
        {
            var found = await session.FindWorkItemAsync(reopened.Id, Ct);
            found!.Opinion = "changed in memory";
            var snapshot = (await session.LoadCaseAsync(@case.Id, Ct))!;
            Assert.Same(found, Assert.Single(snapshot.WorkItems));
            Assert.Equal("changed in memory", snapshot.WorkItems[0].Opinion);
        }
    }

    [Fact]
    public async Task The_second_of_two_writers_on_one_revision_fails_and_writes_nothing()
    {
        await MigratedAsync();
        var @case = Case();
        var token = Token(@case.Id);
        await SaveAsync([@case, token]);

        await using var first = await Store.OpenAsync(Ct);
        await using var second = await Store.OpenAsync(Ct);
        var a = (await first.LoadCaseAsync(@case.Id, Ct))!;
        var b = (await second.LoadCaseAsync(@case.Id, Ct))!;

        a.Case.Revision++;
        a.Case.Data = """{"by":"first"}""";
        var firstToken = Token(@case.Id);
        first.Add(firstToken);
        await first.SaveAsync(Ct);

        b.Case.Revision++;
        b.Case.Data = """{"by":"second"}""";
        b.Tokens.Single().Status = TokenStatus.Cancelled;
        var secondToken = Token(@case.Id);
        second.Add(secondToken);
        second.Add(Journal(@case.Id, 1));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => second.SaveAsync(Ct));

        await using var check = await Store.OpenAsync(Ct);
        var stored = (await check.LoadCaseAsync(@case.Id, Ct))!;
        Assert.Equal(@case.Revision + 1, stored.Case.Revision);
        Assert.Equal("""{"by":"first"}""", stored.Case.Data);
        Assert.Equal(new[] { token.Id, firstToken.Id }.Order(), stored.Tokens.Select(t => t.Id).Order());
        Assert.Empty(await check.LoadJournalAsync(@case.Id, Ct));
    }

    [Fact]
    public async Task A_receipt_key_used_twice_fails_the_second_save_and_keeps_the_first()
    {
        await MigratedAsync();
        var @case = Case();
        await SaveAsync([@case]);
        const string key = "幂等-0001";

        await using var first = await Store.OpenAsync(Ct);
        await using var second = await Store.OpenAsync(Ct);
        Assert.Null(await first.FindReceiptAsync(key, Ct));
        Assert.Null(await second.FindReceiptAsync(key, Ct));
        first.Add(Receipt(@case.Id, key, """{"from":"first"}"""));
        second.Add(Receipt(@case.Id, key, """{"from":"second"}"""));
        var secondDocument = Document(@case.Id);
        second.Add(secondDocument);

        await first.SaveAsync(Ct);
        var error = await Assert.ThrowsAsync<DuplicateReceiptException>(() => second.SaveAsync(Ct));
        Assert.Contains(key, error.Message);

        await using var check = await Store.OpenAsync(Ct);
        Assert.Equal("""{"from":"first"}""", (await check.FindReceiptAsync(key, Ct))?.Result);
        await using var context = Store.CreateContext();
        Assert.False(await context.CaseDocuments.AnyAsync(d => d.Id == secondDocument.Id, Ct));
    }

    [Theory]
    [InlineData(300)]   // one batch on PostgreSQL, sent without a transaction of its own
    [InlineData(1500)]  // more than one batch: an explicit transaction
    public async Task A_save_that_fails_on_its_last_rows_writes_none_of_its_rows(int tokens)
    {
        await MigratedAsync();
        var @case = Case();
        await SaveAsync([@case, Journal(@case.Id, 1)]);

        await using (var session = await Store.OpenAsync(Ct))
        {
            var snapshot = (await session.LoadCaseAsync(@case.Id, Ct))!;
            snapshot.Case.Revision++;
            snapshot.Case.Data = """{"changed":true}""";
            for (var i = 0; i < tokens; i++) session.Add(Token(@case.Id));
            session.Add(Journal(@case.Id, 2));
            session.Add(Journal(@case.Id, 1)); // taken: the whole save fails
            await Assert.ThrowsAsync<ConcurrencyConflictException>(() => session.SaveAsync(Ct));
        }

        await using var context = Store.CreateContext();
        Assert.Equal(0, await context.Tokens.CountAsync(t => t.CaseId == @case.Id, Ct));
        Assert.Equal([1], await context.JournalEntries.Where(j => j.CaseId == @case.Id).Select(j => j.Seq).ToListAsync(Ct));
        var stored = await context.Cases.AsNoTracking().SingleAsync(c => c.Id == @case.Id, Ct);
        Assert.Equal((@case.Revision, @case.Data), (stored.Revision, stored.Data));
    }

    [Fact]
    public async Task Two_publishers_of_the_same_version_conflict()
    {
        await MigratedAsync();
        await SaveAsync([Definition("XK00301001", 4)]);

        await using var session = await Store.OpenAsync(Ct);
        session.Add(Definition("XK00301001", 4));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => session.SaveAsync(Ct));
    }

    [Fact]
    public async Task Creating_a_case_twice_conflicts()
    {
        await MigratedAsync();
        var @case = Case();
        await SaveAsync([@case]);

        var again = Case();
        again.Id = @case.Id;
        await using var session = await Store.OpenAsync(Ct);
        session.Add(again);
        session.Add(Receipt(again.Id)); // a fresh key: the conflict is the case, not the receipt
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => session.SaveAsync(Ct));
    }

    [Fact]
    public async Task Concurrent_writers_on_different_cases_all_succeed()
    {
        await MigratedAsync();
        const int writers = 8, commands = 20;
        var cases = Enumerable.Range(0, writers).Select(_ => Case()).ToList();
        await SaveAsync([.. cases]);

        await Task.WhenAll(cases.Select(c => Task.Run(async () =>
        {
            for (var i = 0; i < commands; i++)
            {
                await using var session = await Store.OpenAsync(Ct);
                var snapshot = (await session.LoadCaseAsync(c.Id, Ct))!;
                snapshot.Case.Revision++;
                snapshot.Case.JournalLength++;
                session.Add(Journal(c.Id, snapshot.Case.JournalLength));
                session.Add(BareToken(c.Id, TokenStatus.Done));
                await session.SaveAsync(Ct);
            }
        }, Ct)));

        await using var context = Store.CreateContext();
        foreach (var c in cases)
        {
            var stored = await context.Cases.AsNoTracking().SingleAsync(x => x.Id == c.Id, Ct);
            Assert.Equal(c.Revision + commands, stored.Revision);
            Assert.Equal(commands, await context.JournalEntries.CountAsync(j => j.CaseId == c.Id, Ct));
        }
    }

    private async Task SaveAsync(IEnumerable<object> rows)
    {
        await using var session = await Store.OpenAsync(Ct);
        foreach (var row in rows)
        {
            session.Add(row);
        }
        await session.SaveAsync(Ct);
    }
}
