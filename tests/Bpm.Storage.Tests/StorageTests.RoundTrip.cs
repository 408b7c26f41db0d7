using Bpm.Engine.State;
using Microsoft.EntityFrameworkCore;
using static Bpm.Storage.Tests.Samples;

namespace Bpm.Storage.Tests;

public abstract partial class StorageTests
{
    [Fact]
    public async Task Every_entity_comes_back_exactly_as_written()
    {
        await MigratedAsync();
        var definition = Definition();
        var @case = Case(definition);
        var token = Token(@case.Id);
        var bareToken = BareToken(@case.Id, TokenStatus.Waiting);
        var workItem = WorkItem(@case.Id);
        var caused = WorkItem(@case.Id, WorkItemStatus.Cancelled, minute: 9, causedBy: workItem.Id);
        var visit = Visit(@case.Id, open: true);
        var closedVisit = Visit(@case.Id, open: false, minute: 2);
        var journal = Enumerable.Range(1, 3).Select(seq => Journal(@case.Id, seq)).ToList();
        var incident = Incident(@case.Id);
        var receipt = Receipt(@case.Id);
        var document = Document(@case.Id);
        var timer = Timer(@case.Id, At(100));
        var bareTimer = BareTimer(@case.Id, At(50));
        var firedTimer = Timer(@case.Id, At(10), TimerStatus.Fired);
        var suspension = Suspension(@case.Id, open: true);
        var bareSuspension = BareSuspension(@case.Id);
        var endedSuspension = Suspension(@case.Id, open: false, minute: 11);
        var warning = Warning(@case.Id);
        var bareWarning = Warning(@case.Id, department: null);
        var order = Order(@case.Id, SupervisionStatus.Overdue);
        var closedOrder = Order(@case.Id, SupervisionStatus.Closed, minute: 12);
        var penalty = Penalty("住房和城乡建设局", "2026-11", 12.75m, @case.Id);
        var outbox = Outbox(@case.Id, sent: false);
        var sentOutbox = Outbox(@case.Id, sent: true);

        await using (var session = await Store.OpenAsync(Ct))
        {
            foreach (var row in new object[]
                         {
                             definition, @case, token, bareToken, workItem, caused, visit, closedVisit, incident, receipt, document,
                             timer, bareTimer, firedTimer, suspension, bareSuspension, endedSuspension, warning, bareWarning,
                             order, closedOrder, penalty, outbox, sentOutbox,
                         }
                         .Concat(journal.AsEnumerable().Reverse()))
            {
                session.Add(row);
            }
            await session.SaveAsync(Ct);
        }

        await using (var session = await Store.OpenAsync(Ct))
        {
            var snapshot = await session.LoadCaseAsync(@case.Id, Ct);
            Assert.NotNull(snapshot);
            AssertSame(@case, snapshot.Case);
            Assert.Equal(2, snapshot.Tokens.Count);
            AssertSame(token, snapshot.Tokens.Single(t => t.Id == token.Id));
            AssertSame(bareToken, snapshot.Tokens.Single(t => t.Id == bareToken.Id));
            AssertSame(workItem, Assert.Single(snapshot.WorkItems));
            AssertSame(visit, Assert.Single(snapshot.OpenVisits));
            AssertSame(incident, Assert.Single(snapshot.OpenIncidents));
            Assert.Equal([bareTimer.Id, timer.Id], snapshot.PendingTimers.Select(t => t.Id)); // by due time
            AssertSame(bareTimer, snapshot.PendingTimers[0]);
            AssertSame(timer, snapshot.PendingTimers[1]);
            Assert.Equal([suspension.Id, bareSuspension.Id], snapshot.OpenSuspensions.Select(s => s.Id)); // by start
            AssertSame(suspension, snapshot.OpenSuspensions[0]);
            AssertSame(bareSuspension, snapshot.OpenSuspensions[1]);
            AssertSame(order, Assert.Single(snapshot.OpenOrders));

            AssertSame(caused, await session.FindWorkItemAsync(caused.Id, Ct));
            AssertSame(caused, Assert.Single(await session.FindWorkItemsCausedByAsync(workItem.Id, Ct)));
            // Through a work item in any state (caused is not open): the same tracked case and children.
            var ofItem = (await session.LoadCaseOfWorkItemAsync(caused.Id, Ct))!;
            AssertSame(@case, ofItem.Case);
            Assert.Same(snapshot.Case, ofItem.Case);
            Assert.Same(snapshot.WorkItems.Single(), Assert.Single(ofItem.WorkItems));
            Assert.Equal(snapshot.PendingTimers.Select(t => t.Id), ofItem.PendingTimers.Select(t => t.Id));
            Assert.Null(await session.LoadCaseOfWorkItemAsync(Guid.NewGuid(), Ct));

            var visits = await session.LoadVisitsAsync(@case.Id, Ct);
            Assert.Equal([closedVisit.Id, visit.Id], visits.Select(v => v.Id));
            AssertSame(closedVisit, visits[0]);

            var storedJournal = await session.LoadJournalAsync(@case.Id, Ct);
            Assert.Equal([1, 2, 3], storedJournal.Select(j => j.Seq));
            for (var i = 0; i < journal.Count; i++)
            {
                AssertSame(journal[i], storedJournal[i]);
            }

            AssertSame(definition, await session.FindDefinitionAsync(definition.Id, Ct));
            AssertSame(definition, await session.FindDefinitionAsync(definition.PowerCode, definition.Version, Ct));
            AssertSame(definition, await session.FindLatestDefinitionAsync(definition.PowerCode, Ct));
            AssertSame(receipt, await session.FindReceiptAsync(receipt.Key, Ct));
        }

        await using (var context = Store.CreateContext())
        {
            AssertSame(document, await context.CaseDocuments.AsNoTracking().SingleAsync(d => d.CaseId == @case.Id, Ct));
            // The plain EF path (not the session's one-round-trip loader) reads the same values.
            AssertSame(@case, await context.Cases.AsNoTracking().SingleAsync(c => c.Id == @case.Id, Ct));
            AssertSame(visit, await context.NodeVisits.AsNoTracking().SingleAsync(v => v.Id == visit.Id, Ct));
            AssertSame(workItem, await context.WorkItems.AsNoTracking().SingleAsync(w => w.Id == workItem.Id, Ct));
            foreach (var t in new[] { timer, bareTimer, firedTimer })
            {
                AssertSame(t, await context.CaseTimers.AsNoTracking().SingleAsync(x => x.Id == t.Id, Ct));
            }
            foreach (var s in new[] { suspension, bareSuspension, endedSuspension })
            {
                AssertSame(s, await context.Suspensions.AsNoTracking().SingleAsync(x => x.Id == s.Id, Ct));
            }
            foreach (var w in new[] { warning, bareWarning })
            {
                AssertSame(w, await context.Warnings.AsNoTracking().SingleAsync(x => x.Id == w.Id, Ct));
            }
            foreach (var o in new[] { order, closedOrder })
            {
                AssertSame(o, await context.SupervisionOrders.AsNoTracking().SingleAsync(x => x.Id == o.Id, Ct));
            }
            AssertSame(penalty, await context.PenaltyPoints.AsNoTracking().SingleAsync(x => x.CaseId == @case.Id, Ct));
            foreach (var m in new[] { outbox, sentOutbox })
            {
                AssertSame(m, await context.OutboxMessages.AsNoTracking().SingleAsync(x => x.Id == m.Id, Ct));
            }
        }
    }

    [Fact]
    public async Task Definition_lookups_pick_the_right_version()
    {
        await MigratedAsync();
        var v1 = Definition("CF00100200", 1);
        var v2 = Definition("CF00100200", 2);
        var v3 = Definition("CF00100200", 3);
        v3.ContentHash = v1.ContentHash; // a republished old content
        var other = Definition("QR00000001", 9);
        await using (var session = await Store.OpenAsync(Ct))
        {
            session.Add(v2);
            session.Add(v1);
            session.Add(v3);
            session.Add(other);
            await session.SaveAsync(Ct);
        }

        await using (var session = await Store.OpenAsync(Ct))
        {
            Assert.Equal(v3.Id, (await session.FindLatestDefinitionAsync("CF00100200", Ct))?.Id);
            Assert.Equal(v2.Id, (await session.FindDefinitionAsync("CF00100200", 2, Ct))?.Id);
            Assert.Null(await session.FindLatestDefinitionAsync("XX99999999", Ct));
            Assert.Null(await session.FindDefinitionAsync("CF00100200", 4, Ct));

            // A lifecycle change on a loaded definition is saved.
            var loaded = await session.FindDefinitionAsync(v2.Id, Ct);
            loaded!.State = DefinitionState.Abolished;
            loaded.StateChangedAt = At(1000);
            await session.SaveAsync(Ct);
        }

        await using (var session = await Store.OpenAsync(Ct))
        {
            var reloaded = await session.FindDefinitionAsync(v2.Id, Ct);
            Assert.Equal(DefinitionState.Abolished, reloaded?.State);
            Assert.Equal(At(1000), reloaded?.StateChangedAt);
        }
    }

    [Fact]
    public async Task Non_utc_times_are_stored_as_utc()
    {
        await MigratedAsync();
        var @case = Case();
        var local = DateTime.SpecifyKind(At(0), DateTimeKind.Utc).ToLocalTime();
        @case.AppliedAt = local;
        @case.EndedAt = DateTime.SpecifyKind(At(5), DateTimeKind.Unspecified);
        await using (var session = await Store.OpenAsync(Ct))
        {
            session.Add(@case);
            await session.SaveAsync(Ct);
        }

        await using (var session = await Store.OpenAsync(Ct))
        {
            var stored = (await session.LoadCaseAsync(@case.Id, Ct))!.Case;
            Assert.Equal(DateTimeKind.Utc, stored.AppliedAt.Kind);
            Assert.Equal(At(0), stored.AppliedAt);
            Assert.Equal(DateTimeKind.Utc, stored.EndedAt!.Value.Kind);
            Assert.Equal(At(5), stored.EndedAt);
        }
    }
}
