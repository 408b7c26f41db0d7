using Bpm.Engine.Time;
using Bpm.Testing;

namespace Bpm.Engine.Tests;

/// <summary>Working-day arithmetic against the national 2025/2026 tables (domain.md §1.2 fixtures and rules 2–5).</summary>
public sealed class WorkCalendarTests
{
    private static readonly Lazy<Task<WorkCalendar>> National = new(() => CalendarFolder.LoadAsync(Folder, "cn"));

    private static string Folder => Path.Combine(RepositoryPaths.ProcessDefinitions, "calendars");

    private static Task<WorkCalendar> Cn() => National.Value;

    private static DateOnly D(string s) => DateOnly.Parse(s);

    /// <summary>A Beijing wall-clock time as the UTC instant the engine stores.</summary>
    private static DateTime Beijing(string s) => TimeZoneInfo.ConvertTimeToUtc(DateTime.Parse(s), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));

    [Fact]
    public async Task Both_years_have_248_working_days()
    {
        var cn = await Cn();
        Assert.Equal(248, cn.WorkingDaysIn(2025));
        Assert.Equal(248, cn.WorkingDaysIn(2026));
    }

    [Theory]
    [InlineData("2025-09-26", 20, "2025-10-30")] // National Day 2025: 9/28 and 10/11 count, 10/1–10/8 do not
    [InlineData("2026-02-13", 10, "2026-03-05")] // Spring Festival 2026
    [InlineData("2026-09-18", 20, "2026-10-22")] // National Day 2026
    [InlineData("2025-01-24", 5, "2025-02-07")]  // Spring Festival 2025: 1/26 (Sunday) is a make-up working day
    [InlineData("2025-12-26", 10, "2026-01-12")] // across the year boundary and the 2026 New Year (1/4 Sunday works)
    [InlineData("2025-09-26", 0, "2025-09-26")]  // 即办件: the same working day
    [InlineData("2025-10-04", 0, "2025-10-09")]  // … or the next one when applied on a holiday
    public async Task Working_days_are_counted_from_the_day_after_the_start(string start, int days, string due)
    {
        Assert.Equal(D(due), (await Cn()).AddWorkingDays(D(start), days));
    }

    [Fact]
    public async Task Make_up_days_work_and_holidays_do_not()
    {
        var cn = await Cn();
        Assert.True(cn.IsWorkingDay(D("2026-02-14")));
        Assert.True(cn.IsWorkingDay(D("2026-02-28")));
        Assert.False(cn.IsWorkingDay(D("2026-02-16")));
        Assert.False(cn.IsWorkingDay(D("2026-02-21"))); // a Saturday inside the holiday
        Assert.False(cn.IsWorkingDay(D("2025-11-22"))); // an ordinary Saturday
    }

    [Theory]
    [InlineData("2025-09-26", 5, "2025-10-09")]  // ends on 10/1, a holiday: rolls to the next working day
    [InlineData("2025-09-26", 2, "2025-09-28")]  // ends on a make-up Sunday: a working day, no roll
    [InlineData("2026-03-02", 90, "2026-06-01")] // 90 natural days (penalty case) ending on Sunday 5/31
    public async Task Natural_days_roll_off_non_working_days(string start, int days, string due)
    {
        Assert.Equal(D(due), (await Cn()).AddNaturalDays(D(start), days));
    }

    [Fact]
    public async Task The_provisional_2027_table_holds_the_statutory_days_without_make_up_days()
    {
        var cn = await Cn();
        Assert.False(cn.IsWorkingDay(D("2027-02-05"))); // 除夕 (Friday)
        Assert.False(cn.IsWorkingDay(D("2027-02-08"))); // 正月初三 (Monday)
        Assert.True(cn.IsWorkingDay(D("2027-02-09")));
        Assert.False(cn.IsWorkingDay(D("2027-10-01")));
        Assert.False(cn.IsWorkingDay(D("2027-02-06"))); // a Saturday stays a rest day: no 调休 until published
    }

    [Fact]
    public async Task Dates_outside_the_loaded_years_are_an_error_not_a_guess()
    {
        var cn = await Cn();
        // Loaded: 2025, 2026 and the provisional 2027.
        Assert.Throws<CalendarRangeException>(() => cn.IsWorkingDay(D("2028-01-04")));
        var error = Assert.Throws<CalendarRangeException>(() => cn.AddWorkingDays(D("2027-12-20"), 20));
        Assert.Contains("2028", error.Message);
        Assert.Throws<CalendarRangeException>(() => cn.AddWorkingDays(D("2024-12-31"), 1));
    }

    [Fact]
    public async Task Elapsed_time_counts_office_hours_only()
    {
        var cn = await Cn();
        Assert.Equal(TimeSpan.FromHours(7), cn.WorkingDayLength);
        // Friday 16:30 → make-up Sunday 10:00: one hour on Friday, one on Sunday.
        Assert.Equal(TimeSpan.FromHours(2), cn.WorkingTimeBetween(Beijing("2025-09-26 16:30"), Beijing("2025-09-28 10:00")));
        // Work after closing time adds nothing; the lunch break adds nothing.
        Assert.Equal(TimeSpan.Zero, cn.WorkingTimeBetween(Beijing("2025-11-20 18:00"), Beijing("2025-11-20 20:00")));
        Assert.Equal(TimeSpan.FromMinutes(60), cn.WorkingTimeBetween(Beijing("2025-11-20 11:30"), Beijing("2025-11-20 14:00")));
        // Across the 2026 Spring Festival: 2/13 (Fri) 09:00 → 2/24 (Tue) 09:00 = 2/13 and 2/14 (make-up Saturday).
        Assert.Equal(TimeSpan.FromHours(14), cn.WorkingTimeBetween(Beijing("2026-02-13 09:00"), Beijing("2026-02-24 09:00")));
    }

    [Fact]
    public async Task Adding_working_time_skips_closed_hours_and_holidays()
    {
        var cn = await Cn();
        Assert.Equal(Beijing("2025-10-09 10:30"), cn.AddWorkingTime(Beijing("2025-09-30 17:00"), TimeSpan.FromHours(2)));
        Assert.Equal(Beijing("2025-11-20 14:00"), cn.AddWorkingTime(Beijing("2025-11-20 11:30"), TimeSpan.FromHours(1)));
        var start = Beijing("2026-02-13 10:15");
        var later = cn.AddWorkingTime(start, TimeSpan.FromHours(30));
        Assert.Equal(TimeSpan.FromHours(30), cn.WorkingTimeBetween(start, later));
        Assert.Equal(cn.ClosingTime(D("2025-10-10")), cn.AddWorkingTime(cn.ClosingTime(D("2025-10-09")), TimeSpan.FromHours(7)));
    }

    [Fact]
    public async Task A_region_adds_its_own_days_to_the_national_table()
    {
        var folder = Directory.CreateTempSubdirectory("bpm-calendars-");
        try
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Folder, "cn")))
            {
                Directory.CreateDirectory(Path.Combine(folder.FullName, "cn"));
                File.Copy(file, Path.Combine(folder.FullName, "cn", Path.GetFileName(file)));
            }
            Directory.CreateDirectory(Path.Combine(folder.FullName, "5132"));
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "5132", "calendar.yaml"), "region: \"5132\"\nname: 阿坝藏族羌族自治州\ninherits: cn\n");
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "5132", "2026.yaml"),
                "year: 2026\nregion: \"5132\"\nholidays:\n  - {name: 测试民族节日, from: 2026-03-02, to: 2026-03-03}\nworkdays: []\n");

            var local = await CalendarFolder.LoadAsync(folder.FullName, "5132");
            var national = await CalendarFolder.LoadAsync(folder.FullName, "cn");
            Assert.Equal(D("2026-03-02"), national.AddWorkingDays(D("2026-02-27"), 2));
            Assert.Equal(D("2026-03-04"), local.AddWorkingDays(D("2026-02-27"), 2));
            Assert.Equal(TimeSpan.FromHours(7), local.WorkingDayLength); // office hours inherited

            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "5132", "2026.yaml"), "year: 2026\nregion: \"5132\"\nholidays:\n  - {name: 错, from: 2026-03-32, to: 2026-03-03}\n");
            var error = await Assert.ThrowsAsync<CalendarFormatException>(() => CalendarFolder.LoadAsync(folder.FullName, "5132"));
            Assert.Contains("2026.yaml:4:", error.Message);
            Assert.Contains("2026-03-32", error.Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
