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
/// <param name="Base">
/// For a column in 倍 or %: the form field key (<c>data.&lt;key&gt;</c>) holding the amount its <c>of</c> names
/// (工程合同价款 → <c>contractPrice</c>), so the engine can turn the bands into yuan. Null: not written.
/// </param>
public sealed record DiscretionColumn(string Id, string Name, Band Statutory, string? Base = null);

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

/// <summary>
/// A task's <c>discretion</c> block: this step decides the fine of a 行政处罚 under a discretion table, so completing
/// it with an approving outcome is checked against the table version in force on the violation date (rule 17).
/// Every property but <paramref name="Table"/> and <paramref name="LegalReview"/> names a form field key.
/// </summary>
/// <param name="Table">The discretion table's id.</param>
/// <param name="Column">The field holding the column the party falls in (a column id or name); may be left out for a one-column table.</param>
/// <param name="Amount">The field holding the decided fine in 元.</param>
/// <param name="ViolationDate">The field holding the date of the violation (picks the table version in force).</param>
/// <param name="Grounds">The field holding the recorded 从轻/从重 grounds, needed when the fine leaves the tier's band.</param>
/// <param name="Mitigation">The field holding the 行政处罚法第三十二条 ground, needed for 减轻 below the statutory minimum.</param>
/// <param name="LegalReview">The id of the 法制审核 task whose approval 减轻 also needs.</param>
public sealed record DiscretionBinding(
    string Table,
    string? Column,
    string Amount,
    string ViolationDate,
    string? Grounds,
    string? Mitigation,
    string? LegalReview);
