using System.Reflection;
using Bpm.Engine.State;

namespace Bpm.Storage.Tests;

/// <summary>Rows with every property set to something distinctive, and a property-by-property comparison.</summary>
internal static class Samples
{
    /// <summary>A UTC time with milliseconds, as the engine writes them.</summary>
    public static DateTime At(int minutes) =>
        new DateTime(2026, 11, 21, 8, 30, 15, 123, DateTimeKind.Utc).AddMinutes(minutes).AddMilliseconds(minutes * 7);

    public static DefinitionVersion Definition(string powerCode = "XK00301001", int version = 1) => new()
    {
        Id = Guid.NewGuid(),
        PowerCode = powerCode,
        PowerName = "建筑工程施工许可证核发",
        Category = "许可",
        Version = version,
        ContentHash = new string('a', 63) + version % 10,
        State = DefinitionState.Suspended,
        Definition = """{"power":{"code":"XK00301001","name":"建筑工程施工许可证核发"},"nodes":[ ]}""",
        Layout = """{ "nodes": { "受理": { "x": 10, "y": 20.5 } } }""",
        PublishedAt = At(-600),
        PublishedBy = "管理员-王五",
        StateChangedAt = At(-300),
    };

    public static Case Case(DefinitionVersion? definition = null) => new()
    {
        Id = Guid.NewGuid(),
        DefinitionVersionId = definition?.Id ?? Guid.NewGuid(),
        PowerCode = definition?.PowerCode ?? "XK00301001",
        Version = definition?.Version ?? 3,
        Status = CaseStatus.AwaitingSupplement,
        Result = "准予许可",
        ApplicantId = "91310000MA1FL1234X",
        ApplicantName = "上海某某建设有限公司",
        // Odd spacing and key order on purpose: the bytes must come back exactly (no jsonb normalising).
        Data = """{ "z": 1, "a": "中文 \"引号\"", "n": 1.50,  "e": "\u00e9" }""",
        AppliedAt = At(0),
        EndedAt = At(900),
        Revision = 7,
        JournalLength = 12,
        JournalHead = new string('f', 64),
        OpenIncidents = 1,
        AcceptedAt = At(10),
        DecidedAt = At(800),
        PromisedDue = At(20_000),
        LegalDue = At(30_000),
        CertificateDue = At(40_000),
        Light = Light.RedCard,
        SuspendedSince = At(500),
        SuspendedMs = 3 * 86_400_000L + 123,
        WorkingMs = 5_000_000_000L, // beyond int
        Extensions = 1,
    };

    public static Token Token(Guid caseId, TokenStatus status = TokenStatus.Active, int minute = 1) => new()
    {
        Id = Guid.NewGuid(),
        CaseId = caseId,
        ParentId = Guid.NewGuid(),
        BranchId = "加签-1",
        NodeId = "会审",
        Status = status,
        Verdict = "approve",
        CreatedAt = At(minute),
        EndedAt = At(minute + 60),
    };

    /// <summary>A token with every nullable property null.</summary>
    public static Token BareToken(Guid caseId, TokenStatus status = TokenStatus.Active) => new()
    {
        Id = Guid.NewGuid(),
        CaseId = caseId,
        NodeId = "受理",
        Status = status,
        CreatedAt = At(2),
    };

    public static WorkItem WorkItem(Guid caseId, WorkItemStatus status = WorkItemStatus.Claimed, int minute = 3, Guid? causedBy = null) => new()
    {
        Id = Guid.NewGuid(),
        CaseId = caseId,
        TokenId = Guid.NewGuid(),
        NodeId = "审查",
        NodeName = "审查（窗口）",
        Department = "住房和城乡建设局",
        Role = "审查员",
        Assignee = "李四",
        Status = status,
        CreatedAt = At(minute),
        ClaimedAt = At(minute + 1),
        CompletedAt = At(minute + 2),
        CompletedBy = "李四",
        Outcome = "同意",
        Opinion = "材料齐全，符合法定形式。",
        FormData = """{"意见":"同意", "附件": [1, 2]}""",
        CancelReason = "撤回",
        CausedBy = causedBy ?? Guid.NewGuid(),
        Deemed = true,
    };

    public static NodeVisit Visit(Guid caseId, bool open = true, int minute = 4) => new()
    {
        Id = Guid.NewGuid(),
        CaseId = caseId,
        TokenId = Guid.NewGuid(),
        DefinitionVersionId = Guid.NewGuid(),
        PowerCode = "XK00301001",
        Version = 3,
        NodeId = "审查",
        NodeKind = "task",
        Department = "住房和城乡建设局",
        Handler = "李四",
        EnteredAt = At(minute),
        LeftAt = open ? null : At(minute + 30),
        Outcome = open ? null : "同意",
        DueAt = At(minute + 600),
        Light = Light.Yellow,
        SuspendedMs = 3_600_000,
        WorkingMs = open ? null : 1_800_000,
    };

    public static JournalEntry Journal(Guid caseId, int seq) => new()
    {
        CaseId = caseId,
        Seq = seq,
        At = At(seq),
        Actor = "李四",
        Kind = "work-item.completed",
        NodeId = seq % 2 == 0 ? null : "审查",
        Payload = $$"""{"seq":{{seq}},"意见":"同意" }""",
        PreviousHash = new string('0', 64),
        Hash = new string((char)('a' + seq % 6), 64),
    };

    public static Incident Incident(Guid caseId, bool open = true, int minute = 5) => new()
    {
        Id = Guid.NewGuid(),
        CaseId = caseId,
        TokenId = Guid.NewGuid(),
        NodeId = "判断",
        Outcome = open ? "不同意" : null,
        Message = "条件 data.金额 > 100 出错：金额未填写",
        CreatedAt = At(minute),
        ResolvedAt = open ? null : At(minute + 10),
        Attempts = 3,
    };

    public static CommandReceipt Receipt(Guid caseId, string? key = null, string result = """{"ok":true,"消息":"已受理"}""") => new()
    {
        Key = key ?? $"申请-{Guid.NewGuid():N}",
        CaseId = caseId,
        Command = "complete-work-item",
        Result = result,
        CreatedAt = At(6),
    };

    public static CaseDocument Document(Guid caseId) => new()
    {
        Id = Guid.NewGuid(),
        CaseId = caseId,
        NodeId = "办结",
        TemplateId = "准予许可决定书",
        Name = "准予行政许可决定书",
        Recipient = "applicant",
        Body = "上海某某建设有限公司：\n你单位申请的……准予许可。",
        CreatedAt = At(7),
    };

    public static CaseTimer Timer(Guid caseId, DateTime dueAt, TimerStatus status = TimerStatus.Pending) => new()
    {
        Id = Guid.NewGuid(),
        CaseId = caseId,
        Kind = TimerKind.SupervisionResponse,
        DueAt = dueAt,
        Status = status,
        TokenId = Guid.NewGuid(),
        VisitId = Guid.NewGuid(),
        NodeId = "审查",
        SubjectId = Guid.NewGuid(),
        CreatedAt = At(8),
        FiredAt = status == TimerStatus.Fired ? dueAt.AddSeconds(1) : null,
    };

    /// <summary>A timer with every nullable property null.</summary>
    public static CaseTimer BareTimer(Guid caseId, DateTime dueAt) => new()
    {
        Id = Guid.NewGuid(),
        CaseId = caseId,
        Kind = TimerKind.Wait,
        DueAt = dueAt,
        Status = TimerStatus.Pending,
        CreatedAt = At(8),
    };

    public static Suspension Suspension(Guid caseId, bool open = true, int minute = 20) => new()
    {
        Id = Guid.NewGuid(),
        CaseId = caseId,
        TokenId = Guid.NewGuid(),
        NodeId = "审查",
        Kind = "专家评审",
        Effect = "stop-clock",
        Approver = "局长-赵六",
        Reason = "技术方案需组织专家论证（依据《行政许可法》第四十五条）。",
        Budget = "10 工作日",
        BudgetDue = At(minute + 14 * 24 * 60),
        StartedAt = At(minute),
        EndedAt = open ? null : At(minute + 3 * 24 * 60),
        Result = open ? null : "专家评审通过",
        WorkingMs = open ? null : 2 * 28_800_000L,
        OverBudget = !open,
        RequestedBy = "李四",
    };

    /// <summary>A suspension with every nullable property null.</summary>
    public static Suspension BareSuspension(Guid caseId) => new()
    {
        Id = Guid.NewGuid(),
        CaseId = caseId,
        Kind = "听证",
        Effect = "extend-deadline",
        Approver = "局长-赵六",
        Reason = "申请人要求听证",
        StartedAt = At(21),
        RequestedBy = "李四",
    };

    public static Warning Warning(Guid caseId, string? department = "住房和城乡建设局") => new()
    {
        Id = Guid.NewGuid(),
        CaseId = caseId,
        PowerCode = "XK00301001",
        NodeId = department is null ? null : "审查",
        Department = department,
        Kind = "case-red-card",
        Light = Light.RedCard,
        Message = "已超过法定时限 2 个工作日",
        At = At(25),
    };

    public static SupervisionOrder Order(Guid caseId, SupervisionStatus status = SupervisionStatus.Issued, int minute = 30) => new()
    {
        Id = Guid.NewGuid(),
        CaseId = caseId,
        No = $"监察-2026-{minute:D4}",
        Rule = "overdue-legal",
        Level = Light.Red,
        Department = "住房和城乡建设局",
        Supervisor = "市政务服务监察处",
        NodeId = "审查",
        Content = "请于 3 个工作日内说明超期原因。",
        IssuedAt = At(minute),
        ResponseDue = At(minute + 3 * 24 * 60),
        Status = status,
        AnsweredAt = status is SupervisionStatus.Answered or SupervisionStatus.Closed ? At(minute + 60) : null,
        Answer = status is SupervisionStatus.Answered or SupervisionStatus.Closed ? "已补办，原因系系统故障。" : null,
        AnswerKind = status is SupervisionStatus.Answered or SupervisionStatus.Closed ? "说明" : null,
        AnsweredBy = status is SupervisionStatus.Answered or SupervisionStatus.Closed ? "zhang" : null,
        SignedAt = status == SupervisionStatus.Issued ? null : At(minute + 10),
        SignedBy = status == SupervisionStatus.Issued ? null : "zhang",
        Returns = status == SupervisionStatus.Returned ? 1 : 0,
        EscalatedAt = status == SupervisionStatus.Overdue ? At(minute + 3 * 24 * 60) : null,
        ClosedAt = status == SupervisionStatus.Closed ? At(minute + 120) : null,
        ClosedBy = status == SupervisionStatus.Closed ? "jiancha" : null,
        Conclusion = status == SupervisionStatus.Closed ? "说明属实，予以结案。" : null,
        RuleHitId = status == SupervisionStatus.Overdue ? Guid.NewGuid() : null,
        StatusAt = At(minute + 5),
    };

    public static PenaltyPoint Penalty(string department, string period, decimal points, Guid? caseId = null) => new()
    {
        Id = Guid.NewGuid(),
        Department = department,
        CaseId = caseId ?? Guid.NewGuid(),
        EventKind = "case-red-card",
        Points = points,
        Period = period,
        At = At(40),
    };

    public static OutboxMessage Outbox(Guid caseId, bool sent = false) => new()
    {
        Id = Guid.NewGuid(),
        CaseId = caseId,
        Kind = "sms",
        Recipient = "13800138000",
        Subject = "补正通知",
        Body = "您申请的事项需补正材料：\n1. 施工图审查合格书",
        CreatedAt = At(45),
        SentAt = sent ? At(46) : null,
    };

    /// <summary>Every settable public property equal; every DateTime UTC.</summary>
    public static void AssertSame<T>(T expected, T? actual) where T : class
    {
        Assert.NotNull(actual);
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var want = property.GetValue(expected);
            var got = property.GetValue(actual);
            Assert.True(Equals(want, got), $"{typeof(T).Name}.{property.Name}: expected {want ?? "null"}, got {got ?? "null"}");
            if (got is DateTime time)
            {
                Assert.True(time.Kind == DateTimeKind.Utc, $"{typeof(T).Name}.{property.Name} came back as {time.Kind}, not UTC");
            }
        }
    }
}
