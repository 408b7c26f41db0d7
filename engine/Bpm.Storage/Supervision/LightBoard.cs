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
        var open = db.NodeVisits.AsNoTracking()
            .Where(v => v.LeftAt == null && (v.NodeKind == "task" || v.NodeKind == "parallel" || v.NodeKind == "wait"));
        if (filter.PowerCode is { } power) open = open.Where(v => v.PowerCode == power);
        if (filter.Department is { } department) open = open.Where(v => v.Department != null && v.Department.StartsWith(department));
        var rows = open.Join(db.Cases.Where(c => c.EndedAt == null), v => v.CaseId, c => c.Id, (v, c) => new
        {
            Visit = v,
            Case = c,
            VisitRank = v.Light == Light.RedCard ? 3 : v.Light == Light.Red ? 2 : v.Light == Light.Yellow ? 1 : 0,
            CaseRank = c.Light == Light.RedCard ? 3 : c.Light == Light.Red ? 2 : c.Light == Light.Yellow ? 1 : 0,
            Suspended = c.SuspendedSince != null,
        }).Select(x => new
        {
            x.Visit, x.Case, x.Suspended,
            Rank = x.VisitRank > x.CaseRank ? x.VisitRank : x.CaseRank,
            Due = x.Visit.DueAt ?? x.Case.PromisedDue,
        });

        var counted = await rows.GroupBy(x => new { x.Rank, x.Suspended }).Select(g => new { g.Key.Rank, g.Key.Suspended, Count = g.LongCount() }).ToListAsync(ct);
        long Count(int rank) => counted.Where(c => !c.Suspended && c.Rank == rank).Sum(c => c.Count);
        var counts = new LightCounts(Count(0), Count(1), Count(2), Count(3), counted.Where(c => c.Suspended).Sum(c => c.Count));

        // The counts already say how many items the page is taken from.
        var total = filter.Light switch
        {
            null => counted.Sum(c => c.Count),
            BoardLight.Suspended => counts.Suspended,
            var light => Count((int)light.Value),
        };
        if (filter.Light is { } wanted)
            rows = wanted == BoardLight.Suspended ? rows.Where(x => x.Suspended) : rows.Where(x => !x.Suspended && x.Rank == (int)wanted);
        var page = await rows
            .OrderByDescending(x => x.Rank).ThenBy(x => x.Due == null).ThenBy(x => x.Due).ThenBy(x => x.Case.Id).ThenBy(x => x.Visit.Id)
            .Skip((number - 1) * size).Take(size)
            .Select(x => new
            {
                x.Case.Id, x.Case.PowerCode, x.Case.AppliedAt, x.Visit.NodeId, x.Visit.Department, x.Rank, x.Suspended, x.Due,
                // Through ix_work_items_case_id_status: the case's open items, then the one on this visit's token.
                Handler = db.WorkItems.Where(w => w.CaseId == x.Case.Id && (w.Status == WorkItemStatus.Open || w.Status == WorkItemStatus.Claimed) && w.TokenId == x.Visit.TokenId)
                    .Select(w => w.Assignee).FirstOrDefault(),
            })
            .ToListAsync(ct);

        var names = await DefinitionNames.LoadAsync(db, page.Select(p => p.PowerCode), ct);
        var items = page.Select(p =>
        {
            var powerNames = names.GetValueOrDefault(p.PowerCode);
            return new LightBoardItem(
                p.Id, CaseNumber.Of(new Case { Id = p.Id, PowerCode = p.PowerCode, AppliedAt = p.AppliedAt }), p.PowerCode, powerNames?.Name ?? p.PowerCode,
                p.NodeId, powerNames?.Nodes.GetValueOrDefault(p.NodeId) ?? p.NodeId, p.Department, p.Handler,
                (Light)p.Rank, p.Suspended, Remaining(calendar, now, p.Due), p.Due);
        }).ToList();
        return new LightBoardPage(counts, items, (int)total, number, size);
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
