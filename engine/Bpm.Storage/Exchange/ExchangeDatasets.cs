using Bpm.Definitions.Model;
using Bpm.Engine.State;

namespace Bpm.Storage.Exchange;

/// <summary>The GB/T 39046—2020 datasets of a case record (domain.md §4, rule 28).</summary>
public enum ExchangeDataset { Application, Acceptance, Handling, SpecialProcedure, Completion, Evaluation, Supervision }

/// <summary>
/// The field names of each dataset as the standard names them (domain.md §4 and §2), in export order, and the code
/// values the export writes. Every dataset starts with 办件编号 so its rows join back to the case.
/// </summary>
public static class ExchangeDatasets
{
    public static readonly IReadOnlyDictionary<ExchangeDataset, IReadOnlyList<string>> Fields = new Dictionary<ExchangeDataset, IReadOnlyList<string>>
    {
        // 办事申请 (T5); the 材料 sub-records are not flattened into these rows.
        [ExchangeDataset.Application] =
            ["办件编号", "实施编码", "办件类型代码", "申请者名称", "申请者证件类型", "申请者证件号码", "联系人", "申报来源", "申请时间", "投资项目编号", "行政区划"],
        // 事项受理 (T6)
        [ExchangeDataset.Acceptance] =
            ["办件编号", "基本编码", "实施编码", "受理单位名称", "受理单位信用代码", "受理人员", "受理时间", "受理文书编号", "承诺办结时间", "办件类型"],
        // 事项办理 (T7): one row per node visit.
        [ExchangeDataset.Handling] =
            ["办件编号", "业务动作", "环节名称", "环节处理人", "处理意见", "环节开始时间", "环节结束时间", "处理单位", "环节办理状态"],
        // 特别程序 (the T7 特别程序 fields, §2): one row per procedure.
        [ExchangeDataset.SpecialProcedure] =
            ["办件编号", "特别程序种类名称", "特别程序种类代码", "开始时间", "启动理由或依据", "申请人", "结束时间", "结果", "办理意见", "办理单位", "办理单位信用代码", "办理人"],
        // 事项办结 (T8)
        [ExchangeDataset.Completion] =
            ["办件编号", "办理人", "办结时间", "结果证照名称", "结果证照编号", "办件结果描述", "证照有效期限", "发证单位", "盖章单位", "是否快递", "是否收费"],
        // 绩效评价 (T9)
        [ExchangeDataset.Evaluation] =
            ["办件编号", "评价渠道", "评价时间", "评价次数", "满意度代码", "文字评价"],
        // 电子监察 (T11)
        [ExchangeDataset.Supervision] =
            ["办件编号", "督办内容", "被督办机构名称", "事项类型代码", "督办发出时间", "监察编号", "监察规则编号", "监察预警类型代码", "状态产生时间", "监察结果描述", "责任部门"],
    };

    /// <summary>URL names: an English slug or the standard's Chinese name.</summary>
    public static readonly IReadOnlyDictionary<string, ExchangeDataset> Names = new Dictionary<string, ExchangeDataset>(StringComparer.OrdinalIgnoreCase)
    {
        ["application"] = ExchangeDataset.Application, ["办事申请"] = ExchangeDataset.Application,
        ["acceptance"] = ExchangeDataset.Acceptance, ["事项受理"] = ExchangeDataset.Acceptance,
        ["handling"] = ExchangeDataset.Handling, ["事项办理"] = ExchangeDataset.Handling,
        ["special-procedures"] = ExchangeDataset.SpecialProcedure, ["特别程序"] = ExchangeDataset.SpecialProcedure,
        ["completion"] = ExchangeDataset.Completion, ["事项办结"] = ExchangeDataset.Completion,
        ["evaluation"] = ExchangeDataset.Evaluation, ["绩效评价"] = ExchangeDataset.Evaluation,
        ["supervision"] = ExchangeDataset.Supervision, ["电子监察"] = ExchangeDataset.Supervision,
    };

    /// <summary>事项类型代码 (A.1): 01 许可, 02 处罚, 03 强制, 04 征收, 05 给付, 06 检查, 07 确认, 08 奖励, 09 裁决, 10 其他.</summary>
    public static string CategoryCode(PowerCategory category) => category switch
    {
        PowerCategory.License => "01",
        PowerCategory.Penalty => "02",
        PowerCategory.Coercion => "03",
        PowerCategory.Levy => "04",
        PowerCategory.Benefit => "05",
        PowerCategory.Inspection => "06",
        PowerCategory.Confirmation => "07",
        PowerCategory.Reward => "08",
        PowerCategory.Adjudication => "09",
        _ => "10",
    };

    /// <summary>办件类型代码 (A.6): 1 即办件, 2 承诺件.</summary>
    public static string HandlingCode(HandlingKind handling) => handling == HandlingKind.Instant ? "1" : "2";

    /// <summary>特别程序种类代码 (A.7): 1 延长审批, 2 除延长审批之外的情况.</summary>
    public static string ProcedureCode(Suspension suspension) => suspension.Effect == "extend-deadline" ? "1" : "2";

    /// <summary>满意度代码 (A.8): 1 非常满意 … 5 非常不满意, from a 1–5 score where 5 is 非常满意.</summary>
    public static string SatisfactionCode(int score) => (6 - score).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// 监察预警类型代码. domain.md gives the field but no code table, so this is our proposal [P]:
    /// 1 预警 (黄灯, or a manual order on a green case), 2 红灯, 3 红牌.
    /// </summary>
    public static string WarningCode(Light level) => level switch
    {
        Light.Red => "2",
        Light.RedCard => "3",
        _ => "1",
    };

    /// <summary>环节办理状态: 1 待办, 2 已办.</summary>
    public static string VisitStateCode(NodeVisit visit) => visit.LeftAt is null ? "1" : "2";

    /// <summary>业务动作: 通过 / 退回 / 其他, from the verdict of the outcome the step left with (empty while it is open).</summary>
    public static string Action(NodeVisit visit, Verdict? verdict) =>
        visit.LeftAt is null ? "" : verdict switch
        {
            Verdict.Approve => "通过",
            Verdict.SendBack => "退回",
            _ => "其他",
        };

    /// <summary>Times as the standard writes them: YYYYMMDDThhmmss, Beijing time.</summary>
    public static string Time(DateTime? utc) =>
        utc is { } t ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(t, DateTimeKind.Utc), Bpm.Engine.Runtime.CaseNumber.China).ToString("yyyyMMdd'T'HHmmss", System.Globalization.CultureInfo.InvariantCulture) : "";
}
