using Bpm.Engine.State;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Storage.Queries;

/// <summary>
/// A department's open work. <see cref="Roles"/> (the caller's posts, e.g. 消防审查员) narrows it to those posts when
/// given; <see cref="Mine"/> keeps items claimed by <see cref="UserId"/>.
/// </summary>
public sealed record InboxFilter(
    string Department,
    string UserId,
    IReadOnlyCollection<string>? Roles = null,
    string? PowerCode = null,
    string? NodeId = null,
    bool Mine = false,
    int? Page = null,
    int? PageSize = null);

/// <summary>A work item with what a handler sorts and decides by: its case and the step's due time and light.</summary>
public sealed record InboxRow(WorkItem Item, Case Case, DateTime? DueAt, Light Light);

/// <summary>The handler's inbox: open items of one department, soonest due first (no due time last), then oldest, then id.</summary>
public static class Inbox
{
    public static async Task<Page<InboxRow>> QueryAsync(BpmDbContext db, InboxFilter filter, CancellationToken cancellationToken)
    {
        var (number, size) = Page<InboxRow>.Clamp(filter.Page, filter.PageSize);
        var items = db.WorkItems.AsNoTracking()
            .Where(w => w.Department == filter.Department && (w.Status == WorkItemStatus.Open || w.Status == WorkItemStatus.Claimed))
            // An item claimed by someone else is theirs now; it stays out of this handler's list.
            .Where(w => w.Assignee == null || w.Assignee == filter.UserId);
        if (filter.Mine) items = items.Where(w => w.Assignee == filter.UserId);
        if (filter.Roles is { Count: > 0 } roles) items = items.Where(w => roles.Contains(w.Role));
        if (filter.PowerCode is { } power) items = items.Where(w => db.Cases.Any(c => c.Id == w.CaseId && c.PowerCode == power));
        if (filter.NodeId is { } node) items = items.Where(w => w.NodeId == node);

        var rows = from w in items
                   join c in db.Cases.AsNoTracking() on w.CaseId equals c.Id
                   from v in db.NodeVisits.AsNoTracking()
                       .Where(v => v.TokenId == w.TokenId && v.NodeId == w.NodeId && v.LeftAt == null).Take(1).DefaultIfEmpty()
                   select new { w, c, Due = v == null ? null : v.DueAt, Light = v == null ? Light.Green : v.Light };
        var total = await items.CountAsync(cancellationToken);
        var page = await rows
            .OrderBy(r => r.Due == null).ThenBy(r => r.Due).ThenBy(r => r.w.CreatedAt).ThenBy(r => r.w.Id)
            .Skip((number - 1) * size).Take(size).ToListAsync(cancellationToken);
        return new Page<InboxRow>(page.Select(r => new InboxRow(r.w, r.c, r.Due, r.Light)).ToList(), total, number, size);
    }
}
