namespace Bpm.Definitions.Reading;

/// <summary>
/// The properties each DSL object may have, named as the JSON Schema's <c>$defs</c>. The binder rejects
/// anything else, and a test keeps the schema in step with these tables.
/// </summary>
public static class DslKeys
{
    public static readonly IReadOnlyDictionary<string, string[]> ByDefinition = new Dictionary<string, string[]>
    {
        ["definition"] = ["power", "limits", "nodes", "flows", "specialProcedures", "discretion", "templates", "supervision", "layout"],
        ["power"] = ["code", "name", "category", "subject", "undertaker", "jointDepartments", "handling", "basis", "fees", "guide"],
        ["legalBasis"] = ["law", "articles"],
        ["fee"] = ["name", "basis", "standard", "amount"],
        ["guide"] = ["conditions", "materials", "result", "location", "contact", "complaint"],
        ["material"] = ["name", "copies"],
        ["limits"] = ["legal", "promised", "extension", "supplementNotice", "certificate"],
        ["extension"] = ["max", "approver"],
        ["durationObject"] = ["value", "unit", "ref"],
        ["startNode"] = ["id", "kind", "name"],
        ["taskNode"] = ["id", "kind", "name", "department", "role", "limit", "risk", "warning", "outcomes", "form", "discretion"],
        ["taskDiscretion"] = ["table", "column", "amount", "violationDate", "grounds", "mitigation", "legalReview"],
        ["outcomeObject"] = ["name", "verdict"],
        ["formField"] = ["key", "label", "type", "required", "options"],
        ["decisionNode"] = ["id", "kind", "name"],
        ["parallelNode"] = ["id", "kind", "name", "lead", "join", "quorum", "limit", "branches"],
        ["branch"] = ["id", "name", "silence", "nodes"],
        ["waitNode"] = ["id", "kind", "name", "duration"],
        ["serviceNode"] = ["id", "kind", "name", "action", "template", "to"],
        ["endNode"] = ["id", "kind", "name", "result"],
        ["flow"] = ["from", "to", "on", "when", "default"],
        ["specialProcedure"] = ["kind", "effect", "budget", "ref", "nodes"],
        ["discretionEntry"] = ["id", "violation", "violates", "basis", "effectiveFrom", "measures", "columns", "tiers"],
        ["discretionColumn"] = ["id", "name", "statutory", "base"],
        ["discretionTier"] = ["level", "circumstances", "when", "bands"],
        ["band"] = ["min", "max", "unit", "of"],
        ["template"] = ["id", "name", "body"],
        ["supervision"] = ["warning", "escalations"],
        ["escalation"] = ["on", "warn", "notify", "supervise", "answerWithin", "points"],
        ["position"] = ["x", "y"],
    };

    public static string[] Of(string definition) => ByDefinition[definition];
}
