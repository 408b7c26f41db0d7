using System.Text.RegularExpressions;
using Bpm.Engine.Ports;
using Bpm.Engine.State;
using Microsoft.EntityFrameworkCore;
using static Bpm.Storage.Tests.Samples;

namespace Bpm.Storage.Tests;

/// <summary>Legal time: timers, suspensions, supervision orders, penalty points.</summary>
public abstract partial class StorageTests
{
    private static readonly DateTime Noon = new(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Loading_a_case_returns_only_its_pending_timers_open_suspensions_and_open_orders()
    {
        await MigratedAsync();
        var @case = Case();
        var timers = Enum.GetValues<TimerStatus>().Select((s, i) => Timer(@case.Id, At(100 - i), s)).ToList();
        var suspensions = new[] { Suspension(@case.Id, open: true), Suspension(@case.Id, open: false) };
        var orders = Enum.GetValues<SupervisionStatus>().Select((s, i) => Order(@case.Id, s, minute: 30 - i)).ToList();
        var other = Case();
        await SaveAsync([
            @case, .. timers, .. suspensions, .. orders,
            other, Timer(other.Id, At(1)), Suspension(other.Id), Order(other.Id),
        ]);

        await using (var session = Store.OpenSession())
        {
            var snapshot = (await session.LoadCaseAsync(@case.Id, Ct))!;
            Assert.Equal(timers.Single(t => t.Status == TimerStatus.Pending).Id, Assert.Single(snapshot.PendingTimers).Id);
            Assert.Equal(suspensions[0].Id, Assert.Single(snapshot.OpenSuspensions).Id);
            // Every order but the Closed one, oldest first: an answered order stays open until the supervisor accepts it.
            Assert.Equal(
                orders.Where(o => o.Status != SupervisionStatus.Closed).OrderBy(o => o.IssuedAt).Select(o => o.Id),
                snapshot.OpenOrders.Select(o => o.Id));

            // They are tracked: what the command changes is saved.
            snapshot.Case.Revision++;
            snapshot.PendingTimers[0].Status = TimerStatus.Fired;
            snapshot.PendingTimers[0].FiredAt = At(200);
            snapshot.OpenSuspensions[0].EndedAt = At(201);
            snapshot.OpenSuspensions[0].WorkingMs = 42;
            foreach (var open in snapshot.OpenOrders.Skip(1)) open.Status = SupervisionStatus.Closed;
            snapshot.OpenOrders[0].ClosedAt = At(202);
            await session.SaveAsync(Ct);
        }

        await using (var session = Store.OpenSession())
        {
            var snapshot = (await session.LoadCaseAsync(@case.Id, Ct))!;
            Assert.Empty(snapshot.PendingTimers);
            Assert.Empty(snapshot.OpenSuspensions);
            Assert.Single(snapshot.OpenOrders);
            Assert.DoesNotContain(await session.FindDueTimersAsync(At(10_000), 10, Ct), d => d.CaseId == @case.Id);
        }
    }

    [Fact]
    public async Task Due_timers_are_the_pending_ones_due_at_or_before_now_earliest_first()
    {
        await MigratedAsync();
        var first = Case();
        var second = Case();
        var micro = TimeSpan.FromTicks(10);
        // Every row is pending unless said otherwise; the names say where it falls relative to Noon.
        var due = new List<CaseTimer>
        {
            Timer(first.Id, new DateTime(2025, 12, 31, 23, 59, 59, 500, DateTimeKind.Utc)),   // across a year end
            Timer(second.Id, new DateTime(2026, 3, 29, 0, 59, 59, 999, DateTimeKind.Utc)),   // the moment before EU summer time
            Timer(first.Id, new DateTime(2026, 3, 29, 1, 0, 0, DateTimeKind.Utc)),             // …and the moment it starts
            Timer(second.Id, new DateTime(2026, 11, 1, 6, 0, 0, DateTimeKind.Utc)),            // US winter time
            Timer(first.Id, Noon.AddDays(-1).AddTicks(5000)),                                  // 0.5 ms past a whole second
            Timer(second.Id, new DateTime(2026, 11, 21, 9, 59, 59, 900, DateTimeKind.Utc)),  // "09:59:59.9" before "10:00:00"
            BareTimer(first.Id, new DateTime(2026, 11, 21, 10, 0, 0, DateTimeKind.Utc)),
            Timer(second.Id, Noon.AddMilliseconds(-1)),
            Timer(first.Id, Noon - micro),
            Timer(second.Id, Noon),                                                            // due exactly now: included
        };
        var later = new List<CaseTimer>
        {
            Timer(first.Id, Noon + micro),
            Timer(second.Id, Noon.AddMilliseconds(1)),
            Timer(first.Id, Noon.AddSeconds(1)),
            Timer(second.Id, new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc)),
        };
        var settled = new List<CaseTimer>
        {
            Timer(first.Id, Noon.AddHours(-1), TimerStatus.Fired),
            Timer(second.Id, Noon.AddDays(-400), TimerStatus.Cancelled),
        };
        // Stored shuffled, so insertion order cannot pass for due order.
        await SaveAsync([first, second, .. later.Concat(settled).Concat(due).OrderBy(t => t.Id)]);

        await using var session = Store.OpenSession();
        var found = await session.FindDueTimersAsync(Noon, 100, Ct);
        Assert.Equal(due.Select(t => t.Id), found.Select(t => t.TimerId));
        Assert.Equal(due.Select(t => t.CaseId), found.Select(t => t.CaseId));
        Assert.Equal(due.Select(t => t.DueAt), found.Select(t => t.DueAt));
        Assert.All(found, t => Assert.Equal(DateTimeKind.Utc, t.DueAt.Kind));
        Assert.Empty(session.Context.ChangeTracker.Entries()); // untracked

        Assert.Equal(due.Take(3).Select(t => t.Id), (await session.FindDueTimersAsync(Noon, 3, Ct)).Select(t => t.TimerId));
        Assert.Equal(due.SkipLast(1).Select(t => t.Id), (await session.FindDueTimersAsync(Noon - micro, 100, Ct)).Select(t => t.TimerId));
        Assert.Equal(
            due.Concat(later.Take(2)).Select(t => t.Id),
            (await session.FindDueTimersAsync(Noon.AddMilliseconds(1), 100, Ct)).Select(t => t.TimerId));
        Assert.Empty(await session.FindDueTimersAsync(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), 100, Ct));
        // A local or unspecified "now" means the same instant as UTC does (the converter makes it UTC).
        Assert.Equal(due.Count, (await session.FindDueTimersAsync(Noon.ToLocalTime(), 100, Ct)).Count);
        Assert.Equal(due.Count, (await session.FindDueTimersAsync(DateTime.SpecifyKind(Noon, DateTimeKind.Unspecified), 100, Ct)).Count);
    }

    [Fact]
    public async Task Finding_due_timers_among_hundreds_of_thousands_reads_only_the_due_ones_through_the_index()
    {
        await MigratedAsync();
        // 200 000 pending timers due from next year on, and 100 000 fired ones that were due in the past.
        await InsertTimersAsync(200_000, TimerStatus.Pending, new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        await InsertTimersAsync(100_000, TimerStatus.Fired, new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var @case = Case();
        var due = Enumerable.Range(1, 5).Select(i => Timer(@case.Id, Noon.AddMinutes(-i))).Reverse().ToList();
        await SaveAsync([@case, .. due]);

        await using (var context = Store.CreateContext())
        {
            // The SQL the compiled query runs, with its parameters: "-- @p='3'" (Npgsql) or ".param set @p 3" (SQLite) lines, then the query.
            var text = StoreQueries.DueTimersQuery.Compile()(context, Noon, 3).ToQueryString();
            var parameters = new Dictionary<string, object>();
            foreach (Match m in Regex.Matches(text, @"^(?:-- |\.param set )(@\w+)[= ]'?([^'\r\n]*)'?", RegexOptions.Multiline))
            {
                parameters[m.Groups[1].Value] = int.TryParse(m.Groups[2].Value, out var limit) ? limit : Noon;
            }
            Assert.Equal(2, parameters.Count);
            var sql = Regex.Replace(text, @"^(--|\.param).*$", "", RegexOptions.Multiline).Trim();
            var plan = await ExplainAsync(sql, parameters);
            AssertIndexRangeScanWithoutSort(plan, "case_timers", "ix_case_timers_status_due_at");
        }

        await using var session = Store.OpenSession();
        Assert.Equal(due.Take(3).Select(t => t.Id), (await session.FindDueTimersAsync(Noon, 3, Ct)).Select(t => t.TimerId));
        Assert.Equal(due.Select(t => t.Id), (await session.FindDueTimersAsync(Noon, 1000, Ct)).Select(t => t.TimerId));
    }

    [Fact]
    public async Task Penalty_points_are_summed_per_department_and_period()
    {
        await MigratedAsync();
        const string housing = "住房和城乡建设局", market = "市场监督管理局";
        await SaveAsync([
            Penalty(housing, "2026-11", 1.5m), Penalty(housing, "2026-11", 2.25m),
            Penalty(housing, "2026-11", 0.1m), Penalty(housing, "2026-11", 0.2m),
            Penalty(housing, "2026-10", 10m),
            Penalty(market, "2026-11", 3m),
            Penalty(housing, "2026-12", 9_999_999_999.99m), Penalty(housing, "2026-12", 0.01m),
        ]);

        await using var session = Store.OpenSession();
        Assert.Equal(4.05m, await session.PenaltyPointsAsync(housing, "2026-11", Ct));
        Assert.Equal(10m, await session.PenaltyPointsAsync(housing, "2026-10", Ct));
        Assert.Equal(3m, await session.PenaltyPointsAsync(market, "2026-11", Ct));
        Assert.Equal(10_000_000_000m, await session.PenaltyPointsAsync(housing, "2026-12", Ct));
        Assert.Equal(0m, await session.PenaltyPointsAsync(market, "2026-10", Ct));
        Assert.Equal(0m, await session.PenaltyPointsAsync("不存在的部门", "2026-11", Ct));
    }

    /// <summary>Inserts <paramref name="count"/> timers of fresh cases in plain SQL, due one second apart from <paramref name="from"/> on.</summary>
    protected abstract Task InsertTimersAsync(int count, TimerStatus status, DateTime from);

    /// <summary>The query plan of <paramref name="sql"/>, its parameters bound by name.</summary>
    protected abstract Task<string> ExplainAsync(string sql, IReadOnlyDictionary<string, object> parameters);

    /// <summary>The plan reads <paramref name="table"/> through <paramref name="index"/>, never the whole table, and sorts nothing.</summary>
    protected abstract void AssertIndexRangeScanWithoutSort(string plan, string table, string index);
}
