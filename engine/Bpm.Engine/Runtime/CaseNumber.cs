using Bpm.Engine.State;

namespace Bpm.Engine.Runtime;

/// <summary>The number people read and quote for a case: power code, application date (Beijing time) and a serial from the id.</summary>
public static class CaseNumber
{
    public static readonly TimeZoneInfo China = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static string Of(Case @case)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(@case.AppliedAt, China);
        var serial = @case.Id.ToString("N")[^8..].ToUpperInvariant();
        return $"{@case.PowerCode}-{local:yyyyMMdd}-{serial}";
    }
}
