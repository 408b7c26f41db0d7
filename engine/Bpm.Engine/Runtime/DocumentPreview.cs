using System.Globalization;
using Bpm.Definitions.Model;

namespace Bpm.Engine.Runtime;

/// <summary>
/// The model a document template sees, filled with sample values, so the designer can show an analyst what a
/// template renders to before any case exists. It has the same fields as a real case's document
/// (<see cref="Behaviors.ServiceBehavior"/>); each form field of the definition gets a value of its type, and the
/// analyst's own data overrides them.
/// </summary>
public static class DocumentPreview
{
    public static Dictionary<string, object?> SampleModel(ProcessDefinition definition, DateTime nowUtc, IReadOnlyDictionary<string, object?>? data)
    {
        var power = definition.Power;
        var today = ChineseDate(nowUtc);
        var sampleData = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var field in Forms(definition.Nodes))
            sampleData.TryAdd(field.Key, SampleValue(field));
        if (data is not null)
            foreach (var (key, value) in data) sampleData[key] = value;
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["applicant"] = new Dictionary<string, object?>
            {
                ["name"] = "张三（示例）", ["idType"] = "居民身份证", ["idNumber"] = "110101199001011234", ["contact"] = "张三",
                ["phone"] = "13800000000", ["address"] = "示例市示例路1号",
            },
            ["case"] = new Dictionary<string, object?>
            {
                ["no"] = $"{power.Code}-{nowUtc:yyyyMMdd}-000001", ["queryCode"] = "ABCD1234", ["appliedAt"] = today, ["acceptedAt"] = today,
                ["promisedDue"] = today, ["legalDue"] = today, ["decidedAt"] = today, ["result"] = "准予",
            },
            ["power"] = new Dictionary<string, object?>
            {
                ["code"] = power.Code, ["name"] = power.Name, ["category"] = Vocabulary.Categories[power.Category],
                ["subject"] = power.Subject, ["undertaker"] = power.Undertaker,
            },
            ["penalty"] = new Dictionary<string, object?> { ["amount"] = "10000.00", ["tier"] = "一般", ["column"] = "一般", ["grounds"] = "（示例裁量理由）" },
            ["node"] = new Dictionary<string, object?> { ["name"] = "（示例环节）", ["department"] = power.Subject },
            ["handler"] = new Dictionary<string, object?> { ["name"] = "李四（示例）" },
            ["outcome"] = "同意",
            ["opinion"] = "（示例审查意见）",
            ["today"] = today,
            ["documentNo"] = $"{power.Code}〔{nowUtc:yyyy}〕000001号",
            ["data"] = sampleData,
        };
    }

    private static IEnumerable<FormField> Forms(IEnumerable<Node> nodes)
    {
        foreach (var node in nodes)
        {
            if (node is TaskNode task)
                foreach (var field in task.Form) yield return field;
            if (node is ParallelNode block)
                foreach (var field in Forms(block.Branches.SelectMany(b => b.Nodes))) yield return field;
        }
    }

    private static object? SampleValue(FormField field) => field.Type switch
    {
        FieldType.Number => "100",
        FieldType.Money => "100000.00",
        FieldType.Boolean => "是",
        FieldType.Date => "2026年1月1日",
        FieldType.Choice => field.Options.Count > 0 ? field.Options[0] : $"（{field.Label}）",
        _ => $"（{field.Label}）",
    };

    private static string ChineseDate(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(utc, CaseNumber.China).ToString("yyyy年M月d日", CultureInfo.InvariantCulture);
}
