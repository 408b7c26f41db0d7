using Bpm.Definitions.Model;

namespace Bpm.Engine.Time;

/// <summary>Due times and elapsed working time as the law counts them, on one calendar (rules 2, 3, 5).</summary>
public sealed class LegalTime(WorkCalendar calendar, SupervisionPolicy policy)
{
    public WorkCalendar Calendar { get; } = calendar;
    public SupervisionPolicy Policy { get; } = policy;

    /// <summary>
    /// The due moment of a limit counted from <paramref name="startUtc"/>: working days end at the closing time of the
    /// N-th working day after the start day; natural days likewise, rolled to a working day; hours are office hours.
    /// </summary>
    public DateTime DueAt(DateTime startUtc, Duration limit)
    {
        var whole = (int)decimal.Truncate(limit.Value);
        var fraction = limit.Value - whole;
        var startDay = Calendar.LocalDate(startUtc);
        var due = limit.Unit switch
        {
            TimeUnit.WorkingDay => Calendar.ClosingTime(Calendar.AddWorkingDays(startDay, whole)),
            TimeUnit.NaturalDay => Calendar.ClosingTime(Calendar.AddNaturalDays(startDay, whole)),
            TimeUnit.Hour => Calendar.AddWorkingTime(startUtc, TimeSpan.FromHours((double)limit.Value)),
            _ => throw new ArgumentOutOfRangeException(nameof(limit), limit.Unit, null),
        };
        if (fraction > 0 && limit.Unit != TimeUnit.Hour)
            due = Calendar.AddWorkingTime(due, Calendar.WorkingDayLength * (double)fraction);
        return due;
    }

    /// <summary>Extends a due moment by a further limit counted from the old due day (延长审批).</summary>
    public DateTime Extend(DateTime dueUtc, Duration extension) => DueAt(dueUtc, extension);

    /// <summary>
    /// When the light turns yellow: once the remaining working time is at most the threshold — the definition's
    /// (a duration, or a percentage of the limit), else the policy's max(1 working day, 1/3 of the limit).
    /// </summary>
    public DateTime WarnAt(DateTime startUtc, DateTime dueUtc, Duration limit, WarningThreshold? threshold)
    {
        var nominal = Length(limit);
        TimeSpan remaining;
        if (threshold?.Remaining is { } r) remaining = Length(r);
        else if (threshold?.Percent is { } p) remaining = nominal * (double)(p / 100m);
        else
        {
            var byFraction = nominal * (double)Policy.WarningFraction;
            var byDuration = Length(Policy.WarningRemaining);
            remaining = byFraction > byDuration ? byFraction : byDuration;
        }
        var total = Calendar.WorkingTimeBetween(startUtc, dueUtc);
        return remaining >= total ? startUtc : Calendar.AddWorkingTime(startUtc, total - remaining);
    }

    public TimeSpan Working(DateTime fromUtc, DateTime toUtc) => Calendar.WorkingTimeBetween(fromUtc, toUtc);

    public DateTime AddWorking(DateTime fromUtc, TimeSpan working) => Calendar.AddWorkingTime(fromUtc, working);

    /// <summary>A duration as working time (a working day is the office hours of one day).</summary>
    public TimeSpan Length(Duration duration) => duration.Unit switch
    {
        TimeUnit.Hour => TimeSpan.FromHours((double)duration.Value),
        _ => Calendar.WorkingDayLength * (double)duration.Value,
    };
}
