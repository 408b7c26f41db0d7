using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Engine.Time;
using Bpm.Storage.Queries;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Storage.Supervision;

/// <summary>The board's lights: the four colours of rule 22, and 挂起 for an item whose case stands still (its colour frozen).</summary>
public enum BoardLight { Green, Yellow, Red, RedCard, Suspended }

public sealed record LightBoardFilter(string? PowerCode = null, string? Department = null, BoardLight? Light = null, int? Page = null, int? PageSize = null);

public sealed record LightCounts(long Green, long Yellow, long Red, long RedCard, long Suspended);

public sealed record LightBoardItem(
    Guid CaseId, string CaseNumber, string PowerCode, string PowerName, string NodeId, string NodeName, string? Department, string? Handler,
    Light Light, bool Suspended, double? RemainingWorkingHours, DateTime? DueAt);

public sealed record LightBoardPage(LightCounts Counts, IReadOnlyList<LightBoardItem> Items, int Total, int Page, int PageSize);

/// <summary>
/// Every open step (task, wait, parallel block) of every open case with its light: the worse of the step's own light
/// and its case's, both kept by the commands and timers that change them, so the board is a read of the partial index
/// over open visits and never a sweep. An item is 挂起 while its case's clock stands still; it counts there and not
/// under its frozen colour. Order: worst light first, then soonest due, then case.
/// </summary>
public static class LightBoard
{
    public static async Task<LightBoardPage> QueryAsync(BpmDbContext db, LightBoardFilter filter, DateTime now, WorkCalendar? calendar, CancellationToken ct)
    {
        var (number, size) = Page<LightBoardItem>.Clamp(filter.Page, filter.PageSize);
        // Two index-only reads of the partial indexes over open rows (visits, cases), joined, counted and ordered here:
        // tens of thousands of small rows, cheaper than having the database join and sort them twice (counts, page).
        var open = db.NodeVisits.AsNoTracking()
            .Where(v => v.LeftAt == null && (v.NodeKind == "task" || v.NodeKind == "parallel" || v.NodeKind == "wait"));
        if (filter.PowerCode is { } power) open = open.Where(v => v.PowerCode == power);
        if (filter.Department is { } department) open = open.Where(v => v.Department != null && v.Department.StartsWith(department));
        var visits = await open.Select(v => new { v.Id, v.CaseId, v.Light, v.DueAt }).ToListAsync(ct);
        var cases = db.Cases.AsNoTracking().Where(c => c.EndedAt == null);
        if (filter.PowerCode is { } power2) cases = cases.Where(c => c.PowerCode == power2);
        var openCases = (await cases.Select(c => new { c.Id, c.Light, Suspended = c.SuspendedSince != null, c.PromisedDue }).ToListAsync(ct))
            .ToDictionary(c => c.Id);

        var items = visits.Where(v => openCases.ContainsKey(v.CaseId)).Select(v =>
        {
            var @case = openCases[v.CaseId];
            return (VisitId: v.Id, CaseId: v.CaseId, Rank: (Light)Math.Max((int)v.Light, (int)@case.Light), @case.Suspended, Due: v.DueAt ?? @case.PromisedDue);
        }).ToList();
        long Count(Light light) => items.LongCount(i => !i.Suspended && i.Rank == light);
        var counts = new LightCounts(Count(Light.Green), Count(Light.Yellow), Count(Light.Red), Count(Light.RedCard), items.LongCount(i => i.Suspended));

        var wanted = filter.Light switch
        {
            null => items,
            BoardLight.Suspended => items.Where(i => i.Suspended).ToList(),
            var light => items.Where(i => !i.Suspended && (int)i.Rank == (int)light.Value).ToList(),
        };
        var chosen = wanted
            .OrderByDescending(i => i.Rank).ThenBy(i => i.Due is null).ThenBy(i => i.Due).ThenBy(i => i.CaseId).ThenBy(i => i.VisitId)
            .Skip((number - 1) * size).Take(size).ToList();
        var ids = chosen.Select(i => i.VisitId).ToList();
        var details = (await db.NodeVisits.AsNoTracking().Where(v => ids.Contains(v.Id))
            .Join(db.Cases, v => v.CaseId, c => c.Id, (v, c) => new
            {
                v.Id, c.PowerCode, c.AppliedAt, v.NodeId, v.Department,
                // Through ix_work_items_case_id_status: the case's open items, then the one on this visit's token.
                Handler = db.WorkItems.Where(w => w.CaseId == c.Id && (w.Status == WorkItemStatus.Open || w.Status == WorkItemStatus.Claimed) && w.TokenId == v.TokenId)
                    .Select(w => w.Assignee).FirstOrDefault(),
            })
            .ToListAsync(ct)).ToDictionary(d => d.Id);
        var page = chosen.Where(i => details.ContainsKey(i.VisitId)).Select(i =>
        {
            var d = details[i.VisitId];
            return new { Id = i.CaseId, d.PowerCode, d.AppliedAt, d.NodeId, d.Department, Rank = (int)i.Rank, i.Suspended, i.Due, d.Handler };
        }).ToList();
        var total = wanted.Count;

        var names = await DefinitionNames.LoadAsync(db, page.Select(p => p.PowerCode), ct);
        var boardItems = page.Select(p =>
        {
            var powerNames = names.GetValueOrDefault(p.PowerCode);
            return new LightBoardItem(
                p.Id, CaseNumber.Of(new Case { Id = p.Id, PowerCode = p.PowerCode, AppliedAt = p.AppliedAt }), p.PowerCode, powerNames?.Name ?? p.PowerCode,
                p.NodeId, powerNames?.Nodes.GetValueOrDefault(p.NodeId) ?? p.NodeId, p.Department, p.Handler,
                (Light)p.Rank, p.Suspended, Remaining(calendar, now, p.Due), p.Due);
        }).ToList();
        return new LightBoardPage(counts, boardItems, total, number, size);
    }

    /// <summary>Working hours from now to the due time (negative once past it), or null without a due time or a calendar for those dates.</summary>
    public static double? Remaining(WorkCalendar? calendar, DateTime now, DateTime? due)
    {
        if (calendar is null || due is not { } at) return null;
        try
        {
            var hours = at >= now ? calendar.WorkingTimeBetween(now, at).TotalHours : -calendar.WorkingTimeBetween(at, now).TotalHours;
            return Math.Round(hours, 2);
        }
        catch (CalendarRangeException)
        {
            return null;
        }
    }
}
