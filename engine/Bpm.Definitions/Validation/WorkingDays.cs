using Bpm.Definitions.Model;

namespace Bpm.Definitions.Validation;

/// <summary>
/// Rough comparison of durations in different units, for warnings only: a week is 5 working days in 7
/// natural days, a working day has 8 office hours. Real due dates come from the calendar, not from here.
/// </summary>
public static class WorkingDays
{
    public static decimal Approximate(Duration duration) => duration.Value * PerUnit(duration.Unit);

    private static decimal PerUnit(TimeUnit unit) => unit switch
    {
        TimeUnit.WorkingDay => 1m,
        TimeUnit.NaturalDay => 5m / 7m,
        _ => 1m / 8m,
    };

    /// <summary>A sum of approximate working days, written in <paramref name="unit"/> when every part used it.</summary>
    public static string Describe(decimal workingDays, TimeUnit? exactUnit) => exactUnit is { } unit
        ? new Duration(Math.Round(workingDays / PerUnit(unit), 2), unit).ToString()
        : $"about {Math.Round(workingDays, 1)} 工作日";
}
