using Bpm.Definitions;
using Bpm.Engine.Commands;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Engine.Time;
using Bpm.Storage.Supervision;
using Bpm.Testing;

namespace Bpm.Engine.Tests;

/// <summary>
/// The light board and node timing following real commands and timers with a hand-moved clock, on both databases: the
/// board reads what the transactions and timers wrote (no sweep), and closing a visit adds to the rollups in its own save.
/// </summary>
public abstract class SupervisionScenarios(TestDatabase database) : EngineTestBase(database)
{
    private static readonly Lazy<Task<WorkCalendar>> National = new(() =>
        CalendarFolder.LoadAsync(Path.Combine(RepositoryPaths.ProcessDefinitions, "calendars"), "cn"));

    private ManualClock _clock = null!;
    private CaseEngine _engine = null!;
    private WorkCalendar _calendar = null!;

    private async Task<string> StartAsync(string beijing)
    {
        _clock = ManualClock.AtBeijing(beijing);
        _calendar = await National.Value;
        _engine = new CaseEngine(Store, _clock, new EngineOptions { Calendar = _calendar });
        var code = TestDefinitions.NewCode();
        await _engine.Definitions.PublishAsync(TestDefinitions.Timed(code).Replace("许可股", "许可股" + code), DefinitionFormat.Yaml, "tester");
        return code;
    }

    private Task<CommandResult> Do(CaseCommand command) => _engine.ExecuteAsync(command);

    private async Task<LightBoardPage> BoardAsync(string code, BoardLight? light = null)
    {
        await using var db = Store.CreateContext();
        return await LightBoard.QueryAsync(db, new LightBoardFilter(code, Light: light), _engine.Now(), _calendar, CancellationToken.None);
    }

    private async Task<(CommandResult State, string Code)> AcceptedAsync(string beijing)
    {
        var code = await StartAsync(beijing);
        var applied = await Do(new Apply(code, Applicant, []));
        return (await Do(new Accept(applied.At("accept").Id, Handler("window"))), code);
    }

    [Fact]
    public async Task The_board_follows_a_case_through_yellow_red_and_red_card_as_its_timers_fire()
    {
        // Accepted Monday 2025-11-03 09:00: review (3 wd) due Thu 11/06 17:30, promised 11/10 17:30, legal 11/17 17:30.
        var (state, code) = await AcceptedAsync("2025-11-03 09:00");
        var board = await BoardAsync(code);
        Assert.Equal(new LightCounts(Green: 1, Yellow: 0, Red: 0, RedCard: 0, Suspended: 0), board.Counts);
        var item = Assert.Single(board.Items);
        Assert.Equal((state.CaseId, "review", "审查", Light.Green, false), (item.CaseId, item.NodeId, item.NodeName, item.Light, item.Suspended));
        Assert.Equal("许可股" + code, item.Department);
        Assert.Equal(28.0, item.RemainingWorkingHours); // four whole working days of 7 office hours
        Assert.StartsWith(code + "-20251103-", item.CaseNumber);

        _clock.SetBeijing("2025-11-06 12:00"); // 4 h left of 21 (13:30–17:30; lunch does not count): under the 1-working-day warning threshold
        await new TimerPump(_engine, Store).PumpAsync();
        board = await BoardAsync(code);
        Assert.Equal(new LightCounts(0, 1, 0, 0, 0), board.Counts);
        Assert.Equal(4.0, Assert.Single(board.Items).RemainingWorkingHours);

        _clock.SetBeijing("2025-11-07 10:00"); // the step is past its due time; the case is still inside its promise
        await new TimerPump(_engine, Store).PumpAsync();
        board = await BoardAsync(code);
        Assert.Equal(new LightCounts(0, 0, 1, 0, 0), board.Counts);
        Assert.Equal(Light.Red, Assert.Single(board.Items).Light);
        Assert.Equal(-1.0, board.Items[0].RemainingWorkingHours); // 09:00–10:00 past 11/06 17:30

        _clock.SetBeijing("2025-11-18 09:00"); // past the legal due time: red card
        await new TimerPump(_engine, Store).PumpAsync();
        board = await BoardAsync(code);
        Assert.Equal(new LightCounts(0, 0, 0, 1, 0), board.Counts);
        Assert.Equal(Light.RedCard, Assert.Single(board.Items).Light);
        Assert.Single((await BoardAsync(code, BoardLight.RedCard)).Items);
        Assert.Empty((await BoardAsync(code, BoardLight.Green)).Items);

        // Finishing the step takes it off the board and into the timing rollups, late.
        await Do(new Complete(state.At("review").Id, Handler("r"), "同意"));
        board = await BoardAsync(code);
        Assert.Equal("decide", Assert.Single(board.Items).NodeId);
        Assert.Equal(Light.RedCard, board.Items[0].Light); // the case's red card shows on whatever step it is at
        await using var db = Store.CreateContext();
        var review = (await NodeTiming.QueryAsync(db, new NodeTimingFilter(code, NodeId: "review"), _engine.Now(), _calendar.WorkingDayLength, CancellationToken.None)).Rows;
        var row = Assert.Single(review);
        Assert.Equal((1L, 1L, 0L, 0.0, 1L), (row.Visits, row.Completed, row.Open, row.OnTimeRate!.Value, row.Overdue));
    }

    [Fact]
    public async Task A_suspended_case_counts_as_suspended_and_not_under_its_frozen_colour()
    {
        var (state, code) = await AcceptedAsync("2025-11-03 09:00");
        _clock.SetBeijing("2025-11-04 10:00");
        await Do(new StartSpecialProcedure(state.At("review").Id, Handler("r"), "检验", "分管局长", "送检样品（行政许可法第四十五条）"));

        var board = await BoardAsync(code);
        Assert.Equal(new LightCounts(0, 0, 0, 0, 1), board.Counts);
        Assert.True(Assert.Single(board.Items).Suspended);
        Assert.Single((await BoardAsync(code, BoardLight.Suspended)).Items);
        Assert.Empty((await BoardAsync(code, BoardLight.Green)).Items);
    }
}

public sealed class SqliteSupervisionScenarios() : SupervisionScenarios(TestDatabase.Sqlite());

public sealed class PostgresSupervisionScenarios(PostgresDatabaseFixture pg) : SupervisionScenarios(TestDatabase.Postgres(pg)), IClassFixture<PostgresDatabaseFixture>;
