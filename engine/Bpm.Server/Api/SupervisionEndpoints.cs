using System.Globalization;
using Bpm.Engine;
using Bpm.Engine.Runtime;
using Bpm.Server.Security;
using Bpm.Storage;
using Bpm.Storage.Supervision;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bpm.Server.Api;

/// <summary>
/// 电子监察 reads: node timing, the case-level indicators and the light board. Supervisors and administrators read every
/// department; a handler or deployer reads only their own department (and the units under it), whatever they ask for.
/// </summary>
public static class SupervisionEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/supervision/node-timing", NodeTimingAsync).RequireAuthorization(BpmPolicies.SupervisionReader)
            .WithSummary("Node-level timing: visits, completed, open, average / median / p90 / max working time, on-time and early rates, overdue")
            .WithDescription(
                "Filters: power, version, node, department (and the units under it), handler, outcome (the case's result; keeps visits of " +
                "cases that are over), from/to (dates, Beijing; on completion for completed visits, on entry for open ones); groupBy = node " +
                "(default), department or handler. Working time is net of suspensions, counted in office hours only. Percentiles: " +
                NodeTiming.PercentileMethod);
        api.MapGet("/supervision/indicators", IndicatorsAsync).RequireAuthorization(BpmPolicies.SupervisionReader)
            .WithSummary("Case-level indicators: 按时办结率, 提前办结率, 即办件当场办结率, 超期件数, 平均办理时长")
            .WithDescription(
                "Filters: power, department (实施主体, and units under it), from/to (dates, Beijing; on the end date for ended cases, on " +
                "application for open ones). cases = ended in the window + open and applied in it; rates are among completed (办结) cases " +
                "with a due time, null when there are none: on time = ended by the promised due time (legal when there is no promise), early " +
                "= ended on a day before the due day; 即办件当场办结 = completed on the day of 受理; overdue = completed late + open past due " +
                "now; avgWorkingDays = working time from 受理 to the end, net of suspensions, over completed cases.");
        api.MapGet("/supervision/indicators/verify", VerifyIndicatorsAsync).RequireAuthorization(BpmRoles.Supervisor)
            .WithSummary("The case-level indicators from the rollups and replayed from the journal alone, with every case whose row and journal disagree")
            .WithDescription(
                "Same filters as /supervision/indicators. fromRollups is what that endpoint answers; fromJournal recomputes each figure from the " +
                "cases' journal entries (applied, accepted, special-procedure-ended, extended, case-ended) on the working-day calendar; " +
                "differences lists, per case, each fact (endedAt, status, result, acceptedAt, promisedDue, legalDue, workingMs, or a broken " +
                "journal chain) where the stored case (what the rollups counted) and its journal disagree. Cases with no journal (generated " +
                "history) count as unjournaled and only in fromRollups.");
        api.MapGet("/supervision/light-board", LightBoardAsync).RequireAuthorization(BpmPolicies.SupervisionReader)
            .WithSummary("The light board: every open step of every open case with its light, remaining working time, department and handler")
            .WithDescription(
                "Filters: power, department, light (green, yellow, red, red-card, suspended); paged (page, pageSize ≤ 200). An item's light " +
                "is the worse of its step's and its case's; an item whose case is suspended (挂起) counts as suspended, not under its frozen " +
                "colour. Worst light first, then soonest due. Lights change in the commands and timers that cause them; the board only reads.");
    }

    private static async Task<NodeTimingReport> NodeTimingAsync(
        HttpContext http, EngineStore store, CaseEngine engine, string? power, int? version, string? node, string? department, string? handler,
        string? outcome, string? from, string? to, string? groupBy, CancellationToken ct)
    {
        var group = groupBy?.ToLowerInvariant() switch
        {
            null or "" or "node" => TimingGroup.Node,
            "department" => TimingGroup.Department,
            "handler" => TimingGroup.Handler,
            _ => throw ApiException.BadRequest("bad-group", $"groupBy is node, department or handler, not '{groupBy}'"),
        };
        var filter = new NodeTimingFilter(Blank(power), version, Blank(node), Scope(http, department), Blank(handler), Blank(outcome),
            Date(from, "from"), Date(to, "to"), group);
        CheckWindow(filter.From, filter.To);
        await using var db = store.CreateContext();
        return await NodeTiming.QueryAsync(db, filter, engine.Now(), WorkingDay(engine), ct);
    }

    /// <summary>The slice the indicators and their check read, scoped to the caller's department.</summary>
    private static IndicatorFilter Indicators(HttpContext http, string? power, string? department, string? from, string? to)
    {
        var filter = new IndicatorFilter(Blank(power), Scope(http, department), Date(from, "from"), Date(to, "to"));
        CheckWindow(filter.From, filter.To);
        return filter;
    }

    private static async Task<CaseIndicatorReport> IndicatorsAsync(
        HttpContext http, EngineStore store, CaseEngine engine, string? power, string? department, string? from, string? to, CancellationToken ct)
    {
        var filter = Indicators(http, power, department, from, to);
        await using var db = store.CreateContext();
        return await CaseIndicators.QueryAsync(db, filter, engine.Now(), WorkingDay(engine), ct);
    }

    private static async Task<IndicatorVerification> VerifyIndicatorsAsync(
        HttpContext http, EngineStore store, CaseEngine engine, string? power, string? department, string? from, string? to, CancellationToken ct)
    {
        var filter = Indicators(http, power, department, from, to);
        await using var db = store.CreateContext();
        return await JournalIndicators.VerifyAsync(db, filter, engine.Now(), engine.Services.Time?.Calendar, ct);
    }

    private static async Task<LightBoardPage> LightBoardAsync(
        HttpContext http, EngineStore store, CaseEngine engine, string? power, string? department, string? light, int? page, int? pageSize, CancellationToken ct)
    {
        BoardLight? wanted = light?.ToLowerInvariant() switch
        {
            null or "" => null,
            "green" => BoardLight.Green,
            "yellow" => BoardLight.Yellow,
            "red" => BoardLight.Red,
            "red-card" => BoardLight.RedCard,
            "suspended" => BoardLight.Suspended,
            _ => throw ApiException.BadRequest("bad-light", $"light is green, yellow, red, red-card or suspended, not '{light}'"),
        };
        await using var db = store.CreateContext();
        return await LightBoard.QueryAsync(db, new LightBoardFilter(Blank(power), Scope(http, department), wanted, page, pageSize),
            engine.Now(), engine.Services.Time?.Calendar, ct);
    }

    /// <summary>The department a caller may read: anything for supervisors, their own (or a unit under it) for everyone else.</summary>
    private static string? Scope(HttpContext http, string? department)
    {
        var caller = Caller.From(http.User);
        department = Blank(department);
        if (caller.Is(BpmRoles.Supervisor)) return department;
        var mine = caller.Department ?? throw new ForbiddenException("no-department", "a token without a department reads no supervision data");
        if (department is not null && !caller.Covers(department))
            throw new ForbiddenException("other-department", $"{mine} may not read the supervision data of {department}");
        return department ?? mine;
    }

    private static TimeSpan WorkingDay(CaseEngine engine) => engine.Services.Time?.Calendar.WorkingDayLength ?? TimeSpan.FromHours(7);

    private static DateOnly? Date(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        return DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw ApiException.BadRequest("bad-date", $"{name} is a date as yyyy-MM-dd, not '{text}'");
    }

    private static void CheckWindow(DateOnly? from, DateOnly? to)
    {
        if (from is { } f && to is { } t && t < f) throw ApiException.BadRequest("bad-window", $"the window ends ({t:yyyy-MM-dd}) before it starts ({f:yyyy-MM-dd})");
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
