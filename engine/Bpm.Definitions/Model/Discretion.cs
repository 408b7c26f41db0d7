namespace Bpm.Definitions.Model;

/// <summary>One violation's 行政处罚裁量基准.</summary>
public sealed record DiscretionEntry(
    string Id,
    string Violation,
    string? Violates,
    string Basis,
    DateOnly? EffectiveFrom,
    ValueList<string> Measures,
    ValueList<DiscretionColumn> Columns,
    ValueList<DiscretionTier> Tiers);

/// <summary>Who or which situation a band applies to (建设单位 / 施工单位; 有违法所得 / 无违法所得), with its 法定幅度.</summary>
public sealed record DiscretionColumn(string Id, string Name, Band Statutory);

public sealed record DiscretionTier(TierLevel Level, ValueList<string> Circumstances, string? When, ValueList<ColumnBand> Bands);

public sealed record ColumnBand(string Column, Band Band);

/// <summary>A fine range: an amount in 元, a multiple (倍) or a percentage (%) of a named base.</summary>
public sealed record Band(decimal Min, decimal Max, BandUnit Unit, string? Of)
{
    public override string ToString() => Unit switch
    {
        BandUnit.Yuan => $"{Min}–{Max} 元",
        BandUnit.Times => $"{Min}–{Max} 倍{Of}",
        _ => $"{Min}%–{Max}% {Of}",
    };
}
