using System.Reflection;

namespace Bpm.Definitions.Diagnostics;

/// <summary>
/// Every diagnostic the reader and validator can report. Codes are stable: never renumber, only add.
/// 00xx document shape, 01xx the power, 02xx time, 03xx graph and nodes, 04xx joint approval,
/// 05xx special procedures, 06xx discretion, 07xx templates, 08xx layout.
/// </summary>
public static class Codes
{
    private const Severity E = Severity.Error;
    private const Severity W = Severity.Warning;

    public static readonly DiagnosticCode Syntax = new("BPM0001", E, "The file is not well-formed YAML or JSON.");
    public static readonly DiagnosticCode WrongType = new("BPM0002", E, "A value has the wrong type (text, number, list or mapping).");
    public static readonly DiagnosticCode UnknownProperty = new("BPM0003", E, "A property the DSL does not know (often a typo).");
    public static readonly DiagnosticCode MissingProperty = new("BPM0004", E, "A required property is missing.");
    public static readonly DiagnosticCode DuplicateProperty = new("BPM0005", E, "The same property is written twice in one mapping.");
    public static readonly DiagnosticCode NotAllowedValue = new("BPM0006", E, "A value outside its fixed list (node kind, join mode, risk level …).");
    public static readonly DiagnosticCode BadIdentifier = new("BPM0007", E, "An id that is not an ASCII identifier.");
    public static readonly DiagnosticCode UnsupportedFile = new("BPM0008", E, "A file that is neither .yaml/.yml nor .json.");
    public static readonly DiagnosticCode BadDate = new("BPM0009", E, "A date that is not YYYY-MM-DD.");

    public static readonly DiagnosticCode BadPowerCode = new("BPM0101", E, "The power code is not a 基本编码 (two letters + 8 digits).");
    public static readonly DiagnosticCode CodePrefixMismatch = new("BPM0102", W, "The power code's type prefix does not match its category.");
    public static readonly DiagnosticCode UnknownCategory = new("BPM0103", E, "A category outside the ten kinds of administrative power.");
    public static readonly DiagnosticCode UnknownHandling = new("BPM0104", E, "A handling kind other than 即办件 or 承诺件.");
    public static readonly DiagnosticCode NoLegalBasis = new("BPM0105", E, "A power without a legal basis (职权法定).");
    public static readonly DiagnosticCode InstantNotSameDay = new("BPM0106", E, "A 即办件 whose promised limit is not the same working day.");
    public static readonly DiagnosticCode NoPublicGuide = new("BPM0107", W, "A power without the 八公开 guide for the public catalog.");

    public static readonly DiagnosticCode BadDuration = new("BPM0201", E, "A duration that is not '<number> <unit>'.");
    public static readonly DiagnosticCode UnknownUnit = new("BPM0202", E, "A time unit other than 工作日, 自然日 or 小时.");
    public static readonly DiagnosticCode NonPositiveLimit = new("BPM0203", E, "A time limit that is zero or negative.");
    public static readonly DiagnosticCode PromisedOverLegal = new("BPM0204", E, "The promised limit is longer than the legal limit.");
    public static readonly DiagnosticCode IncomparableUnits = new("BPM0205", W, "Two limits in different units that cannot be compared.");
    public static readonly DiagnosticCode PathOverLegal = new("BPM0206", W, "The node limits along the longest path exceed the legal limit.");
    public static readonly DiagnosticCode PathOverPromised = new("BPM0207", W, "The node limits along the longest path exceed the promised limit.");
    public static readonly DiagnosticCode ExtensionOverLaw = new("BPM0208", W, "An extension longer than the law allows (10 or, for joint handling, 15 working days).");
    public static readonly DiagnosticCode JointCapExceeded = new("BPM0209", W, "A joint 许可 whose legal limit exceeds the 45-working-day cap.");
    public static readonly DiagnosticCode WarningNotBelowLimit = new("BPM0210", E, "A warning threshold that is not shorter than the node's limit.");
    public static readonly DiagnosticCode SilenceNotBelowBlock = new("BPM0211", W, "A silence-means-consent timeout longer than its block's limit.");
    public static readonly DiagnosticCode DuplicateEscalation = new("BPM0212", E, "The same event listed twice in supervision.escalations.");
    public static readonly DiagnosticCode AnswerWithoutSupervise = new("BPM0213", E, "An escalation with 'answerWithin' that does not open a 督办 (supervise: true).");
    public static readonly DiagnosticCode NegativePoints = new("BPM0214", E, "An escalation with negative penalty points.");
    public static readonly DiagnosticCode CaseWarningNotBelowPromised = new("BPM0215", W, "A case warning threshold that is not shorter than the promised limit.");

    public static readonly DiagnosticCode DuplicateNodeId = new("BPM0301", E, "Two nodes with the same id.");
    public static readonly DiagnosticCode MissingNode = new("BPM0302", E, "A flow or reference to a node that does not exist.");
    public static readonly DiagnosticCode NoStart = new("BPM0303", E, "No start node.");
    public static readonly DiagnosticCode ManyStarts = new("BPM0304", E, "More than one start node.");
    public static readonly DiagnosticCode NoEnd = new("BPM0305", E, "No end node.");
    public static readonly DiagnosticCode Unreachable = new("BPM0306", E, "A node that cannot be reached from the start.");
    public static readonly DiagnosticCode CannotFinish = new("BPM0307", E, "A node from which no end can be reached.");
    public static readonly DiagnosticCode StartEndMisuse = new("BPM0308", E, "A flow into the start node or out of an end node.");
    public static readonly DiagnosticCode DeadEnd = new("BPM0309", E, "A node (not an end) without an outgoing flow.");
    public static readonly DiagnosticCode FlowIntoBranch = new("BPM0310", E, "A flow to or from a node inside a joint-review branch.");
    public static readonly DiagnosticCode DuplicateFlow = new("BPM0311", W, "The same flow written twice.");
    public static readonly DiagnosticCode UnknownOutcome = new("BPM0312", E, "A flow's 'on' names an outcome its task does not have.");
    public static readonly DiagnosticCode OnWithoutOutcomes = new("BPM0313", E, "A flow uses 'on' from a node that has no outcomes.");
    public static readonly DiagnosticCode OutcomeWithoutFlow = new("BPM0314", W, "A task outcome that no flow takes.");
    public static readonly DiagnosticCode DecisionWithoutDefault = new("BPM0315", E, "A decision without a default flow.");
    public static readonly DiagnosticCode ManyDefaults = new("BPM0316", E, "A node with more than one default flow.");
    public static readonly DiagnosticCode ExpressionSyntax = new("BPM0317", E, "A condition or selector that is not valid ES5 JavaScript.");
    public static readonly DiagnosticCode DecisionFlowWithoutCondition = new("BPM0318", E, "A decision's flow with neither a condition nor 'default'.");
    public static readonly DiagnosticCode DuplicateOutcome = new("BPM0319", E, "A task lists the same outcome twice, or an empty outcome list.");
    public static readonly DiagnosticCode OutcomeNeedsVerdict = new("BPM0320", E, "An outcome word whose verdict is not known; use the long form with 'verdict'.");
    public static readonly DiagnosticCode BadFormField = new("BPM0321", E, "A form field with a duplicate key, or a choice without options.");
    public static readonly DiagnosticCode UnknownDataField = new("BPM0322", W, "An expression reads data.<key> that no form declares.");
    public static readonly DiagnosticCode AmbiguousFlows = new("BPM0324", E, "More than one unconditional flow out of a node (use a parallel node to run steps at the same time).");
    public static readonly DiagnosticCode NoticeWithoutRecipient = new("BPM0323", E, "A send-notice service without a recipient.");

    public static readonly DiagnosticCode TooFewBranches = new("BPM0401", E, "A joint review with fewer than two branches.");
    public static readonly DiagnosticCode ImpossibleJoin = new("BPM0402", E, "A join mode impossible for the number of branches.");
    public static readonly DiagnosticCode QuorumMissing = new("BPM0403", E, "An n-of-m join without its quorum.");
    public static readonly DiagnosticCode EmptyBranch = new("BPM0404", E, "A branch without nodes.");
    public static readonly DiagnosticCode NodeNotAllowedInBranch = new("BPM0405", E, "A start, end or decision node inside a branch sequence.");
    public static readonly DiagnosticCode DuplicateBranch = new("BPM0406", E, "Two branches of one block with the same id.");
    public static readonly DiagnosticCode JoinCannotDecide = new("BPM0407", W, "A branch that cannot produce the verdict its join counts.");
    public static readonly DiagnosticCode DegenerateQuorum = new("BPM0408", W, "An n-of-m quorum equal to 1 or to the branch count (use any / all).");

    public static readonly DiagnosticCode UnknownProcedure = new("BPM0501", W, "A special procedure the law does not name.");
    public static readonly DiagnosticCode ExtensionAsProcedure = new("BPM0502", E, "延长审批 listed as a special procedure instead of limits.extension.");
    public static readonly DiagnosticCode DuplicateProcedure = new("BPM0503", E, "The same special procedure listed twice.");
    public static readonly DiagnosticCode ProcedureOnUnknownNode = new("BPM0504", E, "A special procedure allowed on a node that is not a task.");
    public static readonly DiagnosticCode ProcedureWithoutBudget = new("BPM0505", W, "A stop-the-clock procedure without its own time budget.");

    public static readonly DiagnosticCode DiscretionOnNonPenalty = new("BPM0601", W, "A discretion table on a power that is not a 行政处罚.");
    public static readonly DiagnosticCode TiersOutOfOrder = new("BPM0602", E, "Discretion tiers not in the order 轻微 < 一般 < 较重 < 严重, or bands that fall as tiers rise.");
    public static readonly DiagnosticCode TiersOverlap = new("BPM0603", E, "Two tiers' bands overlap.");
    public static readonly DiagnosticCode TiersGap = new("BPM0604", E, "A gap between two adjacent tiers' bands.");
    public static readonly DiagnosticCode BandOutsideStatutory = new("BPM0605", E, "A band outside the statutory range.");
    public static readonly DiagnosticCode BandInverted = new("BPM0606", E, "A band whose minimum exceeds its maximum, or a negative amount.");
    public static readonly DiagnosticCode BandUnitMismatch = new("BPM0607", E, "A band in a different unit or base than its column's statutory range.");
    public static readonly DiagnosticCode BandColumnMismatch = new("BPM0608", E, "A band for an unknown column, or a tier missing a column's band.");
    public static readonly DiagnosticCode DuplicateTier = new("BPM0609", E, "The same tier level twice in one table.");
    public static readonly DiagnosticCode DuplicateDiscretion = new("BPM0610", E, "Two tables (or columns) with the same id and effective date.");
    public static readonly DiagnosticCode BandBase = new("BPM0611", E, "A 倍/% band without its base ('of'), or an amount band with one.");
    public static readonly DiagnosticCode PenaltyWithoutDiscretion = new("BPM0612", W, "A 行政处罚 power without a discretion table.");
    public static readonly DiagnosticCode TooFewTiers = new("BPM0613", W, "Fewer than three tiers (阶次) for a fine range.");
    public static readonly DiagnosticCode UnknownDiscretionTable = new("BPM0614", E, "A step's discretion block names a discretion table that does not exist.");
    public static readonly DiagnosticCode DiscretionFieldUnknown = new("BPM0615", E, "A step's discretion block or a column's base names a form field no step declares.");
    public static readonly DiagnosticCode DiscretionFieldType = new("BPM0616", E, "A form field named by a discretion block or a column's base has the wrong type for its role.");
    public static readonly DiagnosticCode DiscretionColumnUnresolved = new("BPM0617", E, "A discretion block without 'column' for a table with several columns, or a column field option that names no column.");
    public static readonly DiagnosticCode TierWithoutSelector = new("BPM0618", E, "A tier of a table a step enforces has no 'when' selector, so no case can be placed in it.");
    public static readonly DiagnosticCode ColumnBase = new("BPM0619", E, "A column 'base' on a column in 元, or a 倍/% column of an enforced table without one.");
    public static readonly DiagnosticCode LegalReviewNotTask = new("BPM0620", E, "A discretion block's legalReview names a node that is not a task.");

    public static readonly DiagnosticCode DuplicateTemplate = new("BPM0701", E, "Two templates with the same id.");
    public static readonly DiagnosticCode TemplateSyntax = new("BPM0702", E, "A template that is not valid Handlebars, or uses partials.");
    public static readonly DiagnosticCode UnknownPlaceholder = new("BPM0703", W, "A template placeholder that names no known field.");
    public static readonly DiagnosticCode UnknownTemplate = new("BPM0704", E, "A service node naming a template that does not exist.");
    public static readonly DiagnosticCode TemplateMissing = new("BPM0705", E, "A render-document service without a template.");

    public static readonly DiagnosticCode LayoutForUnknownNode = new("BPM0801", W, "A layout position for a node that does not exist.");

    /// <summary>All codes, for documentation and the designer's problem list.</summary>
    public static IReadOnlyList<DiagnosticCode> All { get; } = typeof(Codes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticCode))
        .Select(f => (DiagnosticCode)f.GetValue(null)!)
        .OrderBy(c => c.Code, StringComparer.Ordinal)
        .ToArray();
}
