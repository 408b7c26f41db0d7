using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Storage.Queries;

/// <summary>Which cases to list. <see cref="Department"/> keeps cases that visited a step of that department.</summary>
public sealed record CaseFilter(
    string? PowerCode = null,
    string? Department = null,
    CaseStatus? Status = null,
    Light? Light = null,
    string? Applicant = null,
    int? Page = null,
    int? PageSize = null);

/// <summary>Case lists for handlers and supervisors, newest application first (ties broken by id, so pages are stable).</summary>
public static class CaseList
{
    public static async Task<Page<Case>> QueryAsync(BpmDbContext db, CaseFilter filter, CancellationToken cancellationToken)
    {
        var (number, size) = Page<Case>.Clamp(filter.Page, filter.PageSize);
        var cases = db.Cases.AsNoTracking();
        if (filter.PowerCode is { } power) cases = cases.Where(c => c.PowerCode == power);
        if (filter.Status is { } status) cases = cases.Where(c => c.Status == status);
        if (filter.Light is { } light) cases = cases.Where(c => c.Light == light);
        if (filter.Applicant is { } applicant) cases = cases.Where(c => c.ApplicantId == applicant || c.ApplicantName == applicant);
        if (filter.Department is { } department)
            cases = cases.Where(c => db.NodeVisits.Any(v => v.CaseId == c.Id && v.Department == department));
        var total = await cases.CountAsync(cancellationToken);
        var items = await cases.OrderByDescending(c => c.AppliedAt).ThenByDescending(c => c.Id)
            .Skip((number - 1) * size).Take(size).ToListAsync(cancellationToken);
        return new Page<Case>(items, total, number, size);
    }

    /// <summary>
    /// The case a number people quote names (<see cref="CaseNumber"/>: power, Beijing application date, id suffix), or null.
    /// </summary>
    public static async Task<Case?> FindByNumberAsync(BpmDbContext db, string caseNo, CancellationToken cancellationToken)
    {
        var parts = caseNo.Trim().Split('-');
        if (parts.Length != 3 || parts[2].Length != 8
            || !DateTime.TryParseExact(parts[1], "yyyyMMdd", null, System.Globalization.DateTimeStyles.None, out var day))
            return null;
        var from = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(day, DateTimeKind.Unspecified), CaseNumber.China);
        var to = from.AddDays(1);
        var power = parts[0];
        var candidates = await db.Cases.AsNoTracking()
            .Where(c => c.PowerCode == power && c.AppliedAt >= from && c.AppliedAt < to)
            .ToListAsync(cancellationToken);
        return candidates.FirstOrDefault(c => string.Equals(CaseNumber.Of(c), caseNo.Trim(), StringComparison.OrdinalIgnoreCase));
    }
}
