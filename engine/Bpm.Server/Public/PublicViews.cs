namespace Bpm.Server.Public;

// What the public templates read. Plain strings and flags, shaped here so the templates stay logic-free.

public sealed record Option(string Value, bool Selected);

public sealed record PowerRow(string Code, string Name, string Category, string Subject, string State, bool Running, int? Version, string Href);

public sealed record PowerListPage(
    string Department, string Category, string Keyword, IReadOnlyList<Option> Departments, IReadOnlyList<Option> Categories,
    IReadOnlyList<PowerRow> Rows, int Total, int Page, int Pages, string? PreviousHref, string? NextHref, bool Filtered);

public sealed record BasisItem(string Law, string? Articles);

public sealed record MaterialItem(int Number, string Name, string Copies);

public sealed record FeeItem(string Name, string Basis, string Standard, string? Amount);

public sealed record StepItem(int Number, string Name, string Kind, string? Department, string? Limit, IReadOnlyList<BranchItem> Branches);

public sealed record BranchItem(string Name, string? Silence, IReadOnlyList<BranchStep> Steps);

public sealed record BranchStep(string Name, string? Department, string? Limit);

public sealed record ProcedureItem(string Kind, string Effect, string? Budget, string? Ref);

public sealed record PowerPage(
    string Code, string Name, string Category, string Handling, string Subject, string? Undertaker, string? JointDepartments,
    string State, bool Running, int Version, string PublishedOn,
    IReadOnlyList<BasisItem> Basis, IReadOnlyList<string> Conditions, IReadOnlyList<MaterialItem> Materials,
    IReadOnlyList<StepItem> Steps, string LegalLimit, string? LegalRef, string PromisedLimit, string? PromisedRef,
    string? Extension, string? SupplementNotice, string? Certificate, IReadOnlyList<ProcedureItem> Procedures,
    IReadOnlyList<FeeItem> Fees, bool Free, string? Location, string? Contact, string? Complaint, string? Result,
    string Flowchart);

public sealed record ProgressStep(string Name, string EnteredAt, string? LeftAt, bool Done, string State);

public sealed record ProgressCase(
    string PowerName, string PowerHref, string CaseNo, string AppliedAt, string? AcceptedAt, string Status, string? Result,
    string? PromisedDue, bool Suspended, IReadOnlyList<ProgressStep> Steps);

public sealed record ProgressPage(string CaseNo, bool NotFound, bool Incomplete, ProgressCase? Case);

public sealed record NotFoundPage(string Heading, string Message);
