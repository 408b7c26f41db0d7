using System.Globalization;
using System.Text.Json;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Engine.Time;

namespace Bpm.Engine.Journal;

/// <summary>
/// What a case's journal alone says about its legal time (domain.md §3): when it was applied for and accepted (受理), the
/// due times after every shift (挂起 ends, 延长), the working time its clock stood still, how it ended. The indicators
/// recomputed from these facts must equal the ones kept on the case row and in the rollups; where they differ, one of
/// the two was changed outside a command.
/// </summary>
public sealed record JournalFacts(
    Guid CaseId, DateTime? AppliedAt, DateTime? AcceptedAt, DateTime? PromisedDue, DateTime? LegalDue, long SuspendedMs,
    DateTime? EndedAt, string? Status, string? Result, long? WorkingMs, bool ClockOnRecord)
{
    // ClockOnRecord: an "accepted" entry was found. Cases accepted before the clock journaled its start have no due
    // times in their journal, so those cannot be checked for them.

    public bool IsOver => EndedAt is not null;

    /// <summary>办结: ended as completed (not withdrawn or terminated).</summary>
    public bool Completed => Status == nameof(CaseStatus.Completed);

    /// <summary>The due time the indicators judge by: the promise, else the legal limit.</summary>
    public DateTime? Due => PromisedDue ?? LegalDue;

    /// <summary>A completed case with a due time: on time, early and late are among these.</summary>
    public bool Timed => Completed && Due is not null;

    public bool OnTime => Timed && EndedAt <= Due;

    /// <summary>提前: ended on a (Beijing) day before the due day.</summary>
    public bool Early => OnTime && BeijingDate(EndedAt!.Value) < BeijingDate(Due!.Value);

    public bool Late => Timed && !OnTime;

    /// <summary>An open case past its due time at <paramref name="now"/> (counted in 超期件数 with the late ones).</summary>
    public bool OverdueAt(DateTime now) => !IsOver && Due is { } due && due < now;

    /// <summary>当场办结 for a 即办件: completed on the day of 受理 (of application when it was never accepted).</summary>
    public bool OnTheSpot => Completed && AcceptedOrApplied is { } start && BeijingDate(EndedAt!.Value) == BeijingDate(start);

    private DateTime? AcceptedOrApplied => AcceptedAt ?? AppliedAt;

    public static DateOnly BeijingDate(DateTime utc) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), CaseNumber.China));

    /// <summary>
    /// Replays the entries in order. <paramref name="calendar"/> turns 受理 → end into working time (as the case clock
    /// does when the case ends); without one the working time stays unknown.
    /// </summary>
    public static JournalFacts Replay(Guid caseId, IEnumerable<JournalEntry> entries, WorkCalendar? calendar)
    {
        DateTime? applied = null, accepted = null, promised = null, legal = null, ended = null;
        string? status = null, result = null;
        long suspended = 0;
        var clockOnRecord = false;
        foreach (var entry in entries.OrderBy(e => e.Seq))
        {
            switch (entry.Kind)
            {
                case "applied":
                    applied = Utc(entry.At);
                    break;
                case "accepted": // since the clock journals its start: 受理 time and the due times it set
                    using (var json = JsonDocument.Parse(entry.Payload))
                    {
                        accepted = Time(json, "acceptedAt") ?? Utc(entry.At);
                        promised = Time(json, "promisedDue");
                        legal = Time(json, "legalDue");
                        clockOnRecord = true;
                    }
                    break;
                case "deemed-accepted": // 视为受理 (rule 7): counts from the application
                    using (var json = JsonDocument.Parse(entry.Payload))
                        accepted ??= Time(json, "acceptedAt");
                    break;
                case "special-procedure-ended" or "extended": // both shift the due times; the payload carries the new ones
                    using (var json = JsonDocument.Parse(entry.Payload))
                    {
                        promised = Time(json, "promisedDue") ?? promised;
                        legal = Time(json, "legalDue") ?? legal;
                        if (entry.Kind == "special-procedure-ended" && json.RootElement.TryGetProperty("workingMs", out var stood)
                            && stood.ValueKind == JsonValueKind.Number)
                            suspended += stood.GetInt64();
                    }
                    break;
                case "case-ended":
                    ended = Utc(entry.At);
                    using (var json = JsonDocument.Parse(entry.Payload))
                    {
                        status = Text(json, "status");
                        result = Text(json, "result");
                        if (json.RootElement.TryGetProperty("suspendedMs", out var cut) && cut.ValueKind == JsonValueKind.Number)
                            suspended += cut.GetInt64(); // suspensions the end cut short, and the due times they shifted
                        promised = Time(json, "promisedDue") ?? promised;
                        legal = Time(json, "legalDue") ?? legal;
                    }
                    break;
            }
        }
        long? working = null;
        if (ended is { } end && (accepted ?? applied) is { } from && calendar is not null)
            working = Math.Max(0, (long)calendar.WorkingTimeBetween(from, end).TotalMilliseconds - suspended);
        return new JournalFacts(caseId, applied, accepted, promised, legal, suspended, ended, status, result, working, clockOnRecord);
    }

    private static DateTime Utc(DateTime at) => at.Kind == DateTimeKind.Utc ? at : DateTime.SpecifyKind(at, DateTimeKind.Utc);

    private static string? Text(JsonDocument json, string name) =>
        json.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // Payload times are written by System.Text.Json from the engine's UTC values; some providers hand those back
    // unspecified, so a time without an offset is read as UTC too.
    private static DateTime? Time(JsonDocument json, string name) =>
        Text(json, name) is { } text
            ? DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal)
            : null;
}
