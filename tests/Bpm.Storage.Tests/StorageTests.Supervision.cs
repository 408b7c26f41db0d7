using Bpm.Engine.State;
using Bpm.Storage.Supervision;

namespace Bpm.Storage.Tests;

/// <summary>
/// Node timing and case indicators over a small dataset whose figures were worked out by hand (the numbers in the
/// assertions are not computed by the code under test). Rows go in through the engine's save path, so the rollups
/// are the ones the commands maintain.
/// </summary>
public abstract partial class StorageTests
{
    private static readonly DateTime SupervisionNow = Utc("2026-11-21 12:00");
    private static readonly TimeSpan SevenHours = TimeSpan.FromHours(7);

    private static DateTime Utc(string text) => DateTime.SpecifyKind(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    private static DefinitionVersion TimingDefinition(string code, string handling) => new()
    {
        Id = Guid.NewGuid(), PowerCode = code, PowerName = "测试许可" + code, Category = "行政许可", Subject = "测试局", Version = 1,
        ContentHash = Guid.NewGuid().ToString("N"), State = DefinitionState.Published,
        Definition = $$"""{"power":{"code":"{{code}}","name":"测试许可","handling":"{{handling}}"},"nodes":[{"id":"review","kind":"task","name":"审查"},{"id":"decide","kind":"task","name":"决定"}]}""",
        PublishedAt = Utc("2026-01-01 00:00"), PublishedBy = "t", StateChangedAt = Utc("2026-01-01 00:00"),
    };

    private static Case TimingCase(DefinitionVersion definition, CaseStatus status, string? result, string applied, string? ended, string? due, double workingHours = 0) => new()
    {
        Id = Guid.NewGuid(), DefinitionVersionId = definition.Id, PowerCode = definition.PowerCode, Version = 1, Status = status, Result = result,
        ApplicantId = "x", ApplicantName = "x", AppliedAt = Utc(applied), AcceptedAt = Utc(applied), EndedAt = ended is null ? null : Utc(ended),
        PromisedDue = due is null ? null : Utc(due), WorkingMs = ended is null ? null : (long)(workingHours * 3_600_000), JournalHead = "h",
    };

    private static NodeVisit TimingVisit(Case @case, string handler, string entered, string? left, double hours, string due, string? outcome = "同意") => new()
    {
        Id = Guid.NewGuid(), CaseId = @case.Id, TokenId = Guid.NewGuid(), DefinitionVersionId = @case.DefinitionVersionId, PowerCode = @case.PowerCode,
        Version = 1, NodeId = "review", NodeKind = "task", Department = "测试局审查股", Handler = left is null ? null : handler,
        EnteredAt = Utc(entered), LeftAt = left is null ? null : Utc(left), Outcome = left is null ? null : outcome, DueAt = Utc(due),
        WorkingMs = left is null ? null : (long)(hours * 3_600_000),
    };

    /// <summary>
    /// Case A (running, then 准予) has five completed visits of review: 1, 2, 2, 3.5 and 7 working hours; the 7 h one was
    /// late and finished on 11/10 (Beijing), the others on 11/18; two finished a day before their due day. A cancelled
    /// visit does not count. Case B has two open visits, one past due. Times are UTC; Beijing is 8 hours ahead.
    /// </summary>
    private async Task<(DefinitionVersion Definition, Case A)> SeedTimingAsync()
    {
        await MigratedAsync();
        var definition = TimingDefinition("TT001", "承诺件");
        var a = TimingCase(definition, CaseStatus.Running, null, "2026-11-09 01:00", null, "2026-11-20 09:00");
        var b = TimingCase(definition, CaseStatus.Running, null, "2026-11-19 01:00", null, "2026-11-20 09:00");
        await SaveAsync([
            definition, a, b,
            TimingVisit(a, "a", "2026-11-17 01:00", "2026-11-18 02:00", 1.0, "2026-11-19 09:30"),   // early: done the day before its due day
            TimingVisit(a, "a", "2026-11-17 01:00", "2026-11-18 03:00", 2.0, "2026-11-18 09:30"),   // on time, on the due day
            TimingVisit(a, "b", "2026-11-17 01:00", "2026-11-18 03:00", 2.0, "2026-11-19 09:30"),   // early
            TimingVisit(a, "a", "2026-11-17 01:00", "2026-11-18 04:30", 3.5, "2026-11-18 09:30"),   // on time
            TimingVisit(a, "b", "2026-11-09 01:00", "2026-11-10 08:00", 7.0, "2026-11-10 02:00"),   // late, 11/10 Beijing
            TimingVisit(a, "b", "2026-11-09 01:00", "2026-11-10 08:00", 5.0, "2026-11-10 02:00", outcome: TimingResolution.CancelledOutcome),
            TimingVisit(b, "", "2026-11-19 01:00", null, 0, "2026-11-20 09:00"),                    // open, past due at SupervisionNow
            TimingVisit(b, "", "2026-11-20 01:00", null, 0, "2026-11-25 09:00"),                    // open, in time
        ]);
        return (definition, a);
    }

    [Fact]
    public async Task Node_timing_counts_visits_percentiles_rates_and_overdue_as_worked_out_by_hand()
    {
        await SeedTimingAsync();
        await using var db = Store.CreateContext();

        var report = await NodeTiming.QueryAsync(db, new NodeTimingFilter(PowerCode: "TT001"), SupervisionNow, SevenHours, Ct);

        var row = Assert.Single(report.Rows);
        Assert.Equal(("TT001", "review", "审查"), (row.PowerCode, row.NodeId, row.NodeName));
        Assert.Equal((7, 5, 2), (row.Visits, row.Completed, row.Open));
        Assert.Equal(3.1, row.AvgWorkingHours);          // 15.5 / 5
        Assert.Equal(2.0, row.MedianWorkingHours);       // rank ⌈2.5⌉ = 3 of 1, 2, 2, 3.5, 7
        Assert.Equal(7.0, row.P90WorkingHours);          // rank ⌈4.5⌉ = 5
        Assert.Equal(7.0, row.MaxWorkingHours);
        Assert.Equal(0.4429, row.AvgWorkingDays);        // 3.1 / 7
        Assert.Equal(0.2857, row.MedianWorkingDays);     // 2 / 7
        Assert.Equal(1.0, row.P90WorkingDays);
        Assert.Equal(0.8, row.OnTimeRate);               // 4 of 5
        Assert.Equal(0.4, row.EarlyRate);                // 2 of 5
        Assert.Equal(2, row.Overdue);                    // one completed late, one open past due
        Assert.Contains("nearest rank", report.PercentileMethod);
    }

    [Fact]
    public async Task Node_timing_by_handler_and_in_a_window_on_completion()
    {
        await SeedTimingAsync();
        await using var db = Store.CreateContext();

        var byHandler = await NodeTiming.QueryAsync(db, new NodeTimingFilter(PowerCode: "TT001", GroupBy: TimingGroup.Handler), SupervisionNow, SevenHours, Ct);
        var a = byHandler.Rows.Single(r => r.Handler == "a");
        Assert.Equal((3, 3, 0), (a.Visits, a.Completed, a.Open));
        Assert.Equal(2.1667, a.AvgWorkingHours);         // 6.5 / 3
        Assert.Equal(2.0, a.MedianWorkingHours);         // rank 2 of 1, 2, 3.5
        Assert.Equal(3.5, a.P90WorkingHours);            // rank ⌈2.7⌉ = 3
        var b = byHandler.Rows.Single(r => r.Handler == "b");
        Assert.Equal((2.0, 7.0, 4.5), (b.MedianWorkingHours, b.P90WorkingHours, b.AvgWorkingHours)); // ranks 1 and 2 of 2, 7
        Assert.Equal(0.5, b.OnTimeRate);
        var open = byHandler.Rows.Single(r => r.Handler is null); // open visits have no handler yet
        Assert.Equal((2, 0, 2, 1), (open.Visits, open.Completed, open.Open, open.Overdue));
        Assert.Null(open.MedianWorkingHours);
        Assert.Null(open.OnTimeRate);

        var window = await NodeTiming.QueryAsync(db, new NodeTimingFilter(PowerCode: "TT001", From: new DateOnly(2026, 11, 15), To: new DateOnly(2026, 11, 19)),
            SupervisionNow, SevenHours, Ct);
        var row = Assert.Single(window.Rows);
        Assert.Equal((5, 4, 1), (row.Visits, row.Completed, row.Open));   // the 11/10 visit and the open one entered 11/20 are outside
        Assert.Equal((2.125, 2.0, 3.5), (row.AvgWorkingHours, row.MedianWorkingHours, row.P90WorkingHours));
        Assert.Equal((1.0, 0.5, 1L), (row.OnTimeRate, row.EarlyRate, row.Overdue));

        var other = await NodeTiming.QueryAsync(db, new NodeTimingFilter(Department: "其他局"), SupervisionNow, SevenHours, Ct);
        Assert.Empty(other.Rows);
    }

    [Fact]
    public async Task Windows_made_of_whole_years_months_and_days_count_each_visit_once()
    {
        var (definition, a) = await SeedTimingAsync();
        // Two more completed visits in 2025: 3/14 (Beijing) and 12/31 (Beijing; 16:00 UTC is already 1/1 00:00 in Beijing, so 15:00).
        await SaveAsync([
            TimingVisit(a, "a", "2025-03-13 01:00", "2025-03-14 02:00", 0.5, "2025-03-20 09:30"),
            TimingVisit(a, "a", "2025-12-30 01:00", "2025-12-31 15:00", 4.0, "2026-01-05 09:30"),
        ]);
        await using var db = Store.CreateContext();
        async Task<long> CompletedAsync(string? from, string? to) =>
            (await NodeTiming.QueryAsync(db, new NodeTimingFilter(PowerCode: "TT001", From: from is null ? null : DateOnly.Parse(from), To: to is null ? null : DateOnly.Parse(to)),
                SupervisionNow, SevenHours, Ct)).Rows.Sum(r => r.Completed);

        Assert.Equal(7, await CompletedAsync(null, null));                       // all time: the 2025 year row and the 2026 months
        Assert.Equal(2, await CompletedAsync("2025-01-01", "2025-12-31"));       // one year row
        Assert.Equal(1, await CompletedAsync("2025-03-14", "2025-03-14"));       // one day row
        Assert.Equal(1, await CompletedAsync("2025-12-01", "2026-01-31"));       // a month row and nothing in January
        Assert.Equal(6, await CompletedAsync("2025-03-15", "2026-11-18"));       // ragged ends, a whole month, whole months of 2026
        Assert.Equal(0, await CompletedAsync("2025-03-15", "2025-12-30"));       // the day before the December visit
        var all = (await NodeTiming.QueryAsync(db, new NodeTimingFilter(PowerCode: "TT001", From: new DateOnly(2025, 1, 1), To: new DateOnly(2026, 11, 30)),
            SupervisionNow, SevenHours, Ct)).Rows.Single();
        Assert.Equal((7L, 2.0, 7.0), (all.Completed, all.MedianWorkingHours!.Value, all.P90WorkingHours!.Value)); // 0.5 1 2 2 3.5 4 7: rank 4 = 2, rank 7 = 7
    }

    [Fact]
    public async Task A_case_that_ends_after_its_visits_were_counted_moves_them_under_its_outcome()
    {
        var (_, a) = await SeedTimingAsync();
        await using (var db = Store.CreateContext())
            Assert.Empty((await NodeTiming.QueryAsync(db, new NodeTimingFilter(Outcome: "准予"), SupervisionNow, SevenHours, Ct)).Rows);

        await GrantAsync(a);

        await using var check = Store.CreateContext();
        var granted = Assert.Single((await NodeTiming.QueryAsync(check, new NodeTimingFilter(Outcome: "准予"), SupervisionNow, SevenHours, Ct)).Rows);
        Assert.Equal((5, 5, 0), (granted.Visits, granted.Completed, granted.Open));
        Assert.Equal((3.1, 2.0, 7.0, 7.0), (granted.AvgWorkingHours, granted.MedianWorkingHours, granted.P90WorkingHours, granted.MaxWorkingHours));
        var all = Assert.Single((await NodeTiming.QueryAsync(check, new NodeTimingFilter(), SupervisionNow, SevenHours, Ct)).Rows);
        Assert.Equal((7, 5, 2), (all.Visits, all.Completed, all.Open)); // moved, not counted twice
        // Nothing is left counted under "still running": the running-outcome rows were emptied, histogram and all.
        var running = check.Set<NodeTimingHistogram>().Where(r => r.CaseOutcome == "").ToList();
        Assert.NotEmpty(running);
        Assert.All(running, r => Assert.Equal((0L, 0L), (r.Visits, r.WorkingMsSum)));
        Assert.Empty(NodeTiming.Merge(running.Select(r => r.Histogram)));
    }

    [Fact]
    public async Task A_save_only_notes_what_it_closed_and_folding_counts_each_visit_once()
    {
        await SeedTimingAsync();
        await using var db = Store.CreateContext();
        // Six closed visits (the cancelled one too: counting rules apply when folding), nothing counted yet.
        Assert.Equal(6, await RollupFeed.BacklogAsync(db, Ct));
        Assert.Empty(db.Set<NodeTimingHistogram>().ToList());

        var fold = await RollupFeed.FoldAsync(db, 4, Ct);
        Assert.Equal((4, 4, 0), (fold.Entries, fold.Visits, fold.Cases));
        Assert.Equal(2, await RollupFeed.BacklogAsync(db, Ct));
        var rest = await RollupFeed.CatchUpAsync(db, Ct);
        Assert.Equal(2, rest.Entries);
        Assert.Equal(0, await RollupFeed.BacklogAsync(db, Ct));
        Assert.Equal(0, (await RollupFeed.FoldAsync(db, 4, Ct)).Entries);

        var review = Assert.Single((await NodeTiming.QueryAsync(db, new NodeTimingFilter(PowerCode: "TT001"), SupervisionNow, SevenHours, Ct)).Rows);
        Assert.Equal(5, review.Completed); // the cancelled visit noted, not counted
        // Four visits finished on 11/18 (Beijing) under one day row per cube: merged into one upsert each.
        var day = db.Set<NodeTimingHistogram>().Single(r => r.Period == 20261118 && r.Handler == TimingResolution.All && r.CaseOutcome == TimingResolution.All);
        Assert.Equal(4, day.Visits);
        Assert.Equal([(10, 1L), (20, 2L), (35, 1L)], NodeTiming.Merge([day.Histogram]));
    }

    [Fact]
    public async Task Folders_running_at_once_count_every_visit_exactly_once()
    {
        var (definition, a) = await SeedTimingAsync();
        for (var save = 0; save < 10; save++)
            await SaveAsync(Enumerable.Range(0, 12).Select(i => TimingVisit(a, "c", "2026-11-17 01:00", "2026-11-18 02:00", 0.1 * (i + 1), "2026-11-19 09:30")));
        Assert.Equal(126, await BacklogAsync());

        // Three folders (a pump and two queries catching up, say), small batches, each on its own connection.
        var folded = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            await using var db = Store.CreateContext();
            return (await RollupFeed.CatchUpAsync(db, Ct, batchSize: 7)).Entries;
        })));

        Assert.Equal(126, folded.Sum());
        Assert.Equal(0, await BacklogAsync());
        await using var check = Store.CreateContext();
        var review = Assert.Single((await NodeTiming.QueryAsync(check, new NodeTimingFilter(PowerCode: definition.PowerCode), SupervisionNow, SevenHours, Ct)).Rows);
        Assert.Equal(125, review.Completed);
        Assert.Equal(125, NodeTiming.Merge(check.Set<NodeTimingHistogram>().Where(r => r.Period == 202611 * 100 && r.Handler == TimingResolution.All
            && r.CaseOutcome == TimingResolution.All).Select(r => r.Histogram).ToList()).Sum(b => b.Count));
    }

    [Fact]
    public async Task A_case_that_ends_before_its_visits_are_counted_files_them_under_its_outcome_only()
    {
        var (_, a) = await SeedTimingAsync();
        await GrantAsync(a);

        await using var db = Store.CreateContext();
        var granted = Assert.Single((await NodeTiming.QueryAsync(db, new NodeTimingFilter(Outcome: "准予"), SupervisionNow, SevenHours, Ct)).Rows);
        Assert.Equal(5, granted.Completed);
        // Counted once, under the result: no row was ever written under "still running".
        Assert.Empty(db.Set<NodeTimingHistogram>().Where(r => r.CaseOutcome == "").ToList());
        Assert.Equal(1, (await CaseIndicators.QueryAsync(db, new IndicatorFilter(PowerCode: "TT001"), SupervisionNow, SevenHours, Ct)).Completed);
    }

    /// <summary>Case A ends 准予 on 11/19 (Beijing) after 14 working hours, saved as a command would save it.</summary>
    private async Task GrantAsync(Case a)
    {
        await using var session = Store.OpenSession();
        var snapshot = (await session.LoadCaseAsync(a.Id, Ct))!;
        snapshot.Case.Status = CaseStatus.Completed;
        snapshot.Case.Result = "准予";
        snapshot.Case.EndedAt = Utc("2026-11-19 02:00");
        snapshot.Case.WorkingMs = 14 * 3_600_000L;
        snapshot.Case.Revision++;
        await session.SaveAsync(Ct);
    }

    private async Task<int> BacklogAsync()
    {
        await using var db = Store.CreateContext();
        return await RollupFeed.BacklogAsync(db, Ct);
    }

    [Fact]
    public async Task Case_indicators_as_worked_out_by_hand()
    {
        await MigratedAsync();
        var permit = TimingDefinition("TT001", "承诺件");
        var instant = TimingDefinition("TT002", "即办件");
        await SaveAsync([
            permit, instant,
            // A: on time and early (ended 11/19 Beijing, due 11/20); C: on time on its due day; D: late; E: withdrawn.
            TimingCase(permit, CaseStatus.Completed, "准予", "2026-11-09 01:00", "2026-11-19 02:00", "2026-11-20 09:00", 14),
            TimingCase(permit, CaseStatus.Completed, "准予", "2026-11-09 01:00", "2026-11-18 08:00", "2026-11-18 09:00", 21),
            TimingCase(permit, CaseStatus.Completed, "不予", "2026-11-02 01:00", "2026-11-12 02:00", "2026-11-10 09:00", 35),
            TimingCase(permit, CaseStatus.Withdrawn, "撤回", "2026-11-02 01:00", "2026-11-03 02:00", "2026-11-10 09:00", 3),
            // 即办件 F closed on the day it was accepted, G the next day (late).
            TimingCase(instant, CaseStatus.Completed, "准予", "2026-11-16 02:00", "2026-11-16 06:00", "2026-11-16 09:30", 4),
            TimingCase(instant, CaseStatus.Completed, "准予", "2026-11-16 02:00", "2026-11-17 02:00", "2026-11-16 09:30", 7),
            // Open: B past due at SupervisionNow, H not yet.
            TimingCase(permit, CaseStatus.Running, null, "2026-11-19 01:00", null, "2026-11-20 09:00"),
            TimingCase(permit, CaseStatus.Running, null, "2026-11-20 01:00", null, "2026-11-27 09:00"),
        ]);
        await using var db = Store.CreateContext();

        var all = await CaseIndicators.QueryAsync(db, new IndicatorFilter(), SupervisionNow, SevenHours, Ct);
        Assert.Equal(new CaseIndicatorReport(Cases: 8, Completed: 5, OnTimeRate: 0.6, EarlyRate: 0.2, InstantOnTheSpotRate: 0.5, Overdue: 3,
            AvgWorkingDays: 2.3143), all); // 81 h / 5 / 7

        var permits = await CaseIndicators.QueryAsync(db, new IndicatorFilter(PowerCode: "TT001", Department: "测试局"), SupervisionNow, SevenHours, Ct);
        Assert.Equal(new CaseIndicatorReport(6, 3, 0.6667, 0.3333, null, 2, 3.3333), permits); // 70 h / 3 / 7

        var window = await CaseIndicators.QueryAsync(db, new IndicatorFilter(From: new DateOnly(2026, 11, 16), To: new DateOnly(2026, 11, 19)),
            SupervisionNow, SevenHours, Ct);
        // Ended 11/16–11/19 (Beijing): A, C, F, G; open and applied in it: B (H applied 11/20).
        Assert.Equal(new CaseIndicatorReport(5, 4, 0.75, 0.25, 0.5, 2, 1.6429), window); // late: G, open overdue: B; 46 h / 4 / 7

        var elsewhere = await CaseIndicators.QueryAsync(db, new IndicatorFilter(Department: "其他局"), SupervisionNow, SevenHours, Ct);
        Assert.Equal(new CaseIndicatorReport(0, 0, null, null, null, 0, null), elsewhere);
    }
}
