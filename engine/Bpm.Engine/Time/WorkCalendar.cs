namespace Bpm.Engine.Time;

/// <summary>An office window of a working day, in local time: 09:00–12:00.</summary>
public sealed record OfficeWindow(TimeOnly From, TimeOnly To)
{
    public TimeSpan Length => To - From;
}

public sealed record Holiday(string Name, DateOnly From, DateOnly To);

/// <summary>调休上班日: a Saturday or Sunday made a working day.</summary>
public sealed record MakeUpWorkday(DateOnly Date, string? For);

/// <summary>One year's published arrangement for one region (the national one, or a local addition to it).</summary>
public sealed record CalendarYear(int Year, string Region, string? Source, IReadOnlyList<Holiday> Holidays, IReadOnlyList<MakeUpWorkday> Workdays);

/// <summary>A date outside the years the calendar has data for: asking is an error, never a guess.</summary>
public sealed class CalendarRangeException(string region, DateOnly date, int firstYear, int lastYear)
    : Exception($"the working-day calendar '{region}' has no data for {date:yyyy-MM-dd} (loaded {firstYear}–{lastYear}); add process-definitions/calendars/{region}/{date.Year}.yaml")
{
    public DateOnly Date { get; } = date;
}

/// <summary>
/// Working days and working hours as the law counts them (domain.md §1.2, rules 2–5): weekends off, statutory
/// holidays off, make-up working days on, and within a working day only the office windows count. Built once from
/// data; answers in O(1) from prefix sums, because supervision computes durations for millions of visits.
/// </summary>
public sealed class WorkCalendar
{
    private readonly DateOnly _first;
    private readonly bool[] _working;
    /// <summary>_before[i] = working days strictly before day i (index from _first).</summary>
    private readonly int[] _before;

    public WorkCalendar(string region, string name, TimeZoneInfo timeZone, IReadOnlyList<OfficeWindow> officeHours, IReadOnlyList<CalendarYear> years)
    {
        if (years.Count == 0) throw new ArgumentException("a calendar needs at least one year", nameof(years));
        if (officeHours.Count == 0 || officeHours.Any(w => w.To <= w.From))
            throw new ArgumentException("office hours need at least one window, each ending after it starts", nameof(officeHours));
        Region = region;
        Name = name;
        TimeZone = timeZone;
        OfficeHours = [.. officeHours.OrderBy(w => w.From)];
        for (var i = 1; i < OfficeHours.Count; i++)
            if (OfficeHours[i].From < OfficeHours[i - 1].To) throw new ArgumentException("office windows overlap", nameof(officeHours));
        WorkingDayLength = TimeSpan.FromTicks(OfficeHours.Sum(w => w.Length.Ticks));

        var yearNumbers = years.Select(y => y.Year).Distinct().Order().ToList();
        FirstYear = yearNumbers[0];
        LastYear = yearNumbers[^1];
        var missing = Enumerable.Range(FirstYear, LastYear - FirstYear + 1).Except(yearNumbers).ToList();
        if (missing.Count > 0) throw new ArgumentException($"calendar '{region}' skips year(s) {string.Join(", ", missing)}", nameof(years));

        _first = new DateOnly(FirstYear, 1, 1);
        var days = new DateOnly(LastYear, 12, 31).DayNumber - _first.DayNumber + 1;
        _working = new bool[days];
        for (var i = 0; i < days; i++) _working[i] = _first.AddDays(i).DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
        foreach (var year in years)
        {
            foreach (var holiday in year.Holidays)
                for (var d = holiday.From; d <= holiday.To; d = d.AddDays(1)) _working[Index(d)] = false;
        }
        // Make-up days last: a local arrangement may turn a national holiday back into a working day.
        foreach (var year in years)
            foreach (var workday in year.Workdays) _working[Index(workday.Date)] = true;
        _before = new int[days + 1];
        for (var i = 0; i < days; i++) _before[i + 1] = _before[i] + (_working[i] ? 1 : 0);
    }

    public string Region { get; }
    public string Name { get; }
    public TimeZoneInfo TimeZone { get; }
    public IReadOnlyList<OfficeWindow> OfficeHours { get; }
    public TimeSpan WorkingDayLength { get; }
    public int FirstYear { get; }
    public int LastYear { get; }

    public bool IsWorkingDay(DateOnly date) => _working[Index(date)];

    /// <summary>Working days in the year (2025 and 2026 both have 248).</summary>
    public int WorkingDaysIn(int year) => _before[Index(new DateOnly(year, 12, 31)) + 1] - _before[Index(new DateOnly(year, 1, 1))];

    /// <summary>
    /// The day <paramref name="days"/> working days after <paramref name="start"/>, the start day not counted (rule 2).
    /// Zero days is the start day itself if it is a working day, else the next working day (即办件: same working day).
    /// </summary>
    public DateOnly AddWorkingDays(DateOnly start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        if (days == 0) return IsWorkingDay(start) ? start : NextWorkingDay(start);
        var target = _before[Index(start) + 1] + days; // working days up to and including the answer
        // The first day i with _before[i + 1] == target; binary search over the prefix sums.
        int lo = Index(start) + 1, hi = _working.Length - 1;
        if (_before[hi + 1] < target) throw new CalendarRangeException(Region, new DateOnly(LastYear + 1, 1, 1), FirstYear, LastYear);
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (_before[mid + 1] >= target) hi = mid; else lo = mid + 1;
        }
        return _first.AddDays(lo);
    }

    /// <summary>Natural days after the start (start not counted); an end on a non-working day rolls to the next working day (rule 3).</summary>
    public DateOnly AddNaturalDays(DateOnly start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var end = start.AddDays(days);
        return IsWorkingDay(end) ? end : NextWorkingDay(end);
    }

    public DateOnly NextWorkingDay(DateOnly date)
    {
        for (var d = date.AddDays(1); ; d = d.AddDays(1))
            if (IsWorkingDay(d)) return d;
    }

    /// <summary>Working days strictly between two dates plus the later one: how many working days after <paramref name="from"/> <paramref name="to"/> is.</summary>
    public int WorkingDaysBetween(DateOnly from, DateOnly to) => _before[Index(to) + 1] - _before[Index(from) + 1];

    /// <summary>The moment a working day closes (end of its last office window), as UTC.</summary>
    public DateTime ClosingTime(DateOnly date) => ToUtc(date.ToDateTime(OfficeHours[^1].To));

    /// <summary>Working time between two instants: only office windows of working days count (rule 5).</summary>
    public TimeSpan WorkingTimeBetween(DateTime fromUtc, DateTime toUtc)
    {
        if (toUtc <= fromUtc) return TimeSpan.Zero;
        var from = ToLocal(fromUtc);
        var to = ToLocal(toUtc);
        var fromDay = DateOnly.FromDateTime(from);
        var toDay = DateOnly.FromDateTime(to);
        if (fromDay == toDay) return WorkedWithin(fromDay, from.TimeOfDay, to.TimeOfDay);
        var first = WorkedWithin(fromDay, from.TimeOfDay, TimeSpan.FromDays(1));
        var last = WorkedWithin(toDay, TimeSpan.Zero, to.TimeOfDay);
        var fullDays = _before[Index(toDay)] - _before[Index(fromDay) + 1];
        return first + last + WorkingDayLength * fullDays;
    }

    /// <summary>The instant after <paramref name="fromUtc"/> by which <paramref name="workingTime"/> of office time has passed.</summary>
    public DateTime AddWorkingTime(DateTime fromUtc, TimeSpan workingTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workingTime, TimeSpan.Zero);
        var local = ToLocal(fromUtc);
        var day = DateOnly.FromDateTime(local);
        var time = local.TimeOfDay;
        var left = workingTime;
        while (true)
        {
            if (IsWorkingDay(day))
                foreach (var window in OfficeHours)
                {
                    var start = window.From.ToTimeSpan();
                    var end = window.To.ToTimeSpan();
                    if (time >= end) continue;
                    var begin = time > start ? time : start;
                    if (begin + left <= end) return ToUtc(day.ToDateTime(TimeOnly.MinValue).Add(begin + left));
                    left -= end - begin;
                    time = end;
                }
            day = day.AddDays(1);
            time = TimeSpan.Zero;
            // Whole working days at once, so long spans do not walk window by window.
            while (left > WorkingDayLength && IsWorkingDay(day))
            {
                left -= WorkingDayLength;
                day = day.AddDays(1);
            }
        }
    }

    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeZone);

    public DateTime ToUtc(DateTime local) => TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), TimeZone);

    public DateOnly LocalDate(DateTime utc) => DateOnly.FromDateTime(ToLocal(utc));

    private TimeSpan WorkedWithin(DateOnly day, TimeSpan from, TimeSpan to)
    {
        if (!IsWorkingDay(day)) return TimeSpan.Zero;
        var total = TimeSpan.Zero;
        foreach (var window in OfficeHours)
        {
            var start = Max(window.From.ToTimeSpan(), from);
            var end = Min(window.To.ToTimeSpan(), to);
            if (end > start) total += end - start;
        }
        return total;
    }

    private int Index(DateOnly date)
    {
        var i = date.DayNumber - _first.DayNumber;
        if (i < 0 || i >= _working.Length) throw new CalendarRangeException(Region, date, FirstYear, LastYear);
        return i;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
