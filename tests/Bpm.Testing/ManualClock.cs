namespace Bpm.Testing;

/// <summary>A clock tests move by hand: legal time without sleeping.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public static ManualClock AtBeijing(string localTime) =>
        new(TimeZoneInfo.ConvertTimeToUtc(DateTime.Parse(localTime), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")));

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    /// <summary>Moves to a Beijing wall-clock time (never backwards).</summary>
    public void SetBeijing(string localTime)
    {
        var utc = TimeZoneInfo.ConvertTimeToUtc(DateTime.Parse(localTime), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));
        if (utc.Ticks < Interlocked.Read(ref _ticks)) throw new InvalidOperationException($"the clock does not go back to {localTime}");
        Interlocked.Exchange(ref _ticks, utc.Ticks);
    }
}
