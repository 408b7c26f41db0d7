using System.Globalization;
using Bpm.Engine.Runtime;
using Bpm.Engine.Time;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Storage.Queries;

/// <summary>A quarter, e.g. 2026-Q4: the three monthly periods the points ledger is kept (and capped) in.</summary>
public sealed record Quarter(int Year, int Number)
{
    public static bool TryParse(string? text, out Quarter quarter)
    {
        quarter = new Quarter(0, 0);
        if (text is not { Length: 7 } || text[4] != '-' || text[5] is not ('Q' or 'q')
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || text[6] is < '1' or > '4')
            return false;
        quarter = new Quarter(year, text[6] - '0');
        return true;
    }

    /// <summary>The quarter a Beijing-local date falls in.</summary>
    public static Quarter Of(DateTime local) => new(local.Year, (local.Month - 1) / 3 + 1);

    /// <summary>The monthly periods ("2026-10", "2026-11", "2026-12"), as <see cref="CaseClock.SettleAsync"/> writes them.</summary>
    public IReadOnlyList<string> Periods => [.. Enumerable.Range((Number - 1) * 3 + 1, 3).Select(m => $"{Year:D4}-{m:D2}")];

    public override string ToString() => $"{Year:D4}-Q{Number}";
}

/// <summary>One deduction in the ledger: the event that produced it, on which case, when, in which monthly period.</summary>
public sealed record Deduction(Guid CaseId, string EventKind, decimal Points, string Period, DateTime At);

public sealed record PeriodPoints(string Period, decimal Points);

/// <summary>A department's quarter: points charged (each month within its cap), score = base − points, and the grade.</summary>
public sealed record DepartmentScore(
    string Department, string Quarter, decimal Points, decimal Score, string Grade, IReadOnlyList<PeriodPoints> Months, IReadOnlyList<Deduction> Deductions);

/// <summary>
/// 绩效评估: the department scores of a quarter from the points ledger (penalty_points, written by the commands that
/// charged them, each already within its month's cap), graded by the configured thresholds.
/// </summary>
public static class DepartmentScores
{
    /// <param name="department">One department (listed even with no deductions), or null for every department charged in the quarter.</param>
    public static async Task<IReadOnlyList<DepartmentScore>> QueryAsync(
        BpmDbContext db, Quarter quarter, string? department, QuarterGrades grades, CancellationToken cancellationToken)
    {
        var periods = quarter.Periods.ToArray();
        var rows = db.PenaltyPoints.AsNoTracking().Where(p => periods.Contains(p.Period));
        if (department is not null) rows = rows.Where(p => p.Department == department);
        var points = await rows.OrderBy(p => p.Department).ThenBy(p => p.At).ThenBy(p => p.Id).ToListAsync(cancellationToken);
        var byDepartment = points.GroupBy(p => p.Department, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        if (department is not null && !byDepartment.ContainsKey(department)) byDepartment[department] = [];
        return byDepartment.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d =>
        {
            var total = d.Value.Sum(p => p.Points);
            var score = grades.Base - total;
            return new DepartmentScore(
                d.Key, quarter.ToString(), total, score, grades.GradeOf(score),
                periods.Select(period => new PeriodPoints(period, d.Value.Where(p => p.Period == period).Sum(p => p.Points))).ToList(),
                d.Value.Select(p => new Deduction(p.CaseId, p.EventKind, p.Points, p.Period, p.At)).ToList());
        }).ToList();
    }
}
