using System.Globalization;
using System.Text;
using Bpm.Definitions.Model;
using Bpm.Engine;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Server.Api;
using Bpm.Server.Security;
using Bpm.Storage;
using Bpm.Storage.Queries;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bpm.Server.Public;

/// <summary>
/// 政务公开: the public catalog at /public, no login. The list of powers (权力清单) with search, one page per power
/// with its 八公开 facts and flowchart, and the case-progress lookup by case number and query code. Server-rendered
/// HTML from Handlebars templates (<see cref="PublicPages"/>); works without JavaScript.
/// </summary>
public static class PublicCatalog
{
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;
    private const string Html = "text/html; charset=utf-8";
    /// <summary>The outcome the engine writes on a visit a join or an end cancelled (CaseRun).</summary>
    private const string Cancelled = "已取消";

    public static void Map(WebApplication app)
    {
        var pages = app.MapGroup("/public").AllowAnonymous().ExcludeFromDescription();
        pages.MapGet("", ListAsync);
        pages.MapGet("/powers/{code}", PowerAsync);
        pages.MapGet("/progress", ProgressAsync);
    }

    // ---------------- 权力清单 ----------------

    private static async Task<IResult> ListAsync(HttpContext http, EngineStore store, CancellationToken ct)
    {
        var query = http.Request.Query;
        var department = Text(query["department"]);
        var category = Text(query["category"]);
        var keyword = Text(query["q"]) ?? Text(query["keyword"]);
        var page = Math.Max(1, Number(query["page"]) ?? 1);
        var size = Math.Clamp(Number(query["pageSize"]) ?? DefaultPageSize, 1, MaxPageSize);

        Page<PowerVersions> found;
        var subjects = new SortedSet<string>(StringComparer.Ordinal);
        await using (var db = store.CreateContext())
        {
            found = await PowerList.QueryAsync(db, new PowerFilter(department, category, keyword, IncludeAbolished: false, page, size), ct);
            // Every 实施主体 in the catalog, for the search form.
            for (var n = 1; ; n++)
            {
                var all = await PowerList.QueryAsync(db, new PowerFilter(IncludeAbolished: false, Page: n, PageSize: Page<PowerVersions>.MaxSize), ct);
                foreach (var p in all.Items) subjects.Add(p.Subject);
                if (n * all.Size >= all.Total) break;
            }
        }
        if (department is not null) subjects.Add(department);

        var pages = Math.Max(1, (found.Total + found.Size - 1) / found.Size);
        string Link(int target) => "/public" + QueryString(("department", department), ("category", category), ("q", keyword),
            ("pageSize", size == DefaultPageSize ? null : size.ToString(CultureInfo.InvariantCulture)),
            ("page", target == 1 ? null : target.ToString(CultureInfo.InvariantCulture)));

        var model = new PowerListPage(
            department ?? "", category ?? "", keyword ?? "",
            subjects.Select(s => new Option(s, s == department)).ToList(),
            Vocabulary.Categories.All.Select(c => new Option(c, c == category)).ToList(),
            found.Items.Select(RowOf).ToList(), found.Total, found.Number, pages,
            found.Number > 1 ? Link(Math.Min(found.Number - 1, pages)) : null,
            found.Number < pages ? Link(found.Number + 1) : null,
            department is not null || category is not null || keyword is not null);
        return Page(http, "powers", "权力清单", model);
    }

    private static PowerRow RowOf(PowerVersions power)
    {
        var published = Newest(power, DefinitionState.Published);
        var shown = published ?? Newest(power, DefinitionState.Suspended);
        return new PowerRow(power.Code, power.Name, power.Category, power.Subject, published is not null ? "在办" : "暂停受理",
            published is not null, shown?.Version, PowerHref(power.Code));
    }

    // ---------------- 事项详情（八公开） ----------------

    private static async Task<IResult> PowerAsync(string code, HttpContext http, CaseEngine engine, EngineStore store, CancellationToken ct)
    {
        PowerVersions? power;
        await using (var db = store.CreateContext())
        {
            var matches = await PowerList.QueryAsync(db, new PowerFilter(Keyword: code, IncludeAbolished: false, PageSize: Page<PowerVersions>.MaxSize), ct);
            power = matches.Items.FirstOrDefault(p => p.Code == code);
        }
        // The newest version that takes applications; a power whose every version is suspended still shows, marked so.
        var version = power is null ? null : Newest(power, DefinitionState.Published) ?? Newest(power, DefinitionState.Suspended);
        if (power is null || version is null)
            return Page(http, "not-found", "未找到事项", new NotFoundPage("未找到该事项", "权力清单中没有这个事项编码，或该事项已废止。"), StatusCodes.Status404NotFound);

        var (stored, definition) = await DefinitionEndpoints.LoadAsync(code, version.Version, engine, store, ct);
        var model = PowerPageOf(definition, stored);
        return Page(http, "power", definition.Power.Name, model);
    }

    private static PowerPage PowerPageOf(ProcessDefinition definition, DefinitionVersion version)
    {
        var power = definition.Power;
        var guide = power.Guide;
        var limits = definition.Limits;
        var steps = Flowchart.Order(definition)
            .Where(n => n is not (DecisionNode or EndNode))
            .Select((n, i) => new StepItem(i + 1, n.Name, KindOf(n), (n as TaskNode)?.Department ?? (n as ParallelNode)?.Lead, LimitOf(n),
                n is ParallelNode block
                    ? block.Branches.Select(b => new BranchItem(b.Name, b.Silence?.ToString(),
                        b.Nodes.Select(s => new BranchStep(s.Name, (s as TaskNode)?.Department ?? (s as ParallelNode)?.Lead, LimitOf(s))).ToList())).ToList()
                    : []))
            .ToList();
        var running = version.State == DefinitionState.Published;
        return new PowerPage(
            power.Code, power.Name, Vocabulary.Categories[power.Category], Vocabulary.HandlingKinds[power.Handling], power.Subject,
            power.Undertaker, power.JointDepartments.Count > 0 ? string.Join("、", power.JointDepartments) : null,
            running ? "在办" : "暂停受理", running, version.Version, Beijing(version.PublishedAt, "yyyy-MM-dd"),
            power.Basis.Select(b => new BasisItem(b.Law, b.Articles)).ToList(),
            guide?.Conditions.ToList() ?? [],
            guide?.Materials.Select((m, i) => new MaterialItem(i + 1, m.Name, m.Copies is { } c ? $"{c} 份" : "—")).ToList() ?? [],
            steps,
            limits.Legal.ToString(), limits.Legal.Ref, limits.Promised.ToString(), limits.Promised.Ref,
            limits.Extension is { } e ? $"经{e.Approver}批准，可延长 {e.Max}" : null,
            limits.SupplementNotice?.ToString(), limits.Certificate?.ToString(),
            definition.SpecialProcedures.Select(p => new ProcedureItem(p.Kind,
                p.Effect == ProcedureEffect.StopClock ? "所需时间不计入办理时限" : "办理期限相应顺延", p.Budget?.ToString(), p.Ref)).ToList(),
            power.Fees.Select(f => new FeeItem(f.Name, f.Basis, f.Standard, f.Amount is { } a ? $"{a.ToString("0.##", CultureInfo.InvariantCulture)} 元" : null)).ToList(),
            power.Fees.Count == 0,
            guide?.Location, guide?.Contact, guide?.Complaint, guide?.Result,
            Flowchart.ToSvg(definition));
    }

    private static string KindOf(Node node) => node switch
    {
        StartNode => "申请",
        TaskNode => "办理环节",
        ParallelNode => "并联审批",
        ServiceNode { Action: ServiceAction.RenderDocument } => "制作文书",
        ServiceNode => "送达通知",
        WaitNode => "等待期",
        _ => "",
    };

    private static string? LimitOf(Node node) => node switch
    {
        TaskNode { Limit: { } limit } => limit.ToString(),
        ParallelNode { Limit: { } limit } => limit.ToString(),
        WaitNode wait => wait.Duration.ToString(),
        _ => null,
    };

    // ---------------- 办件进度查询 ----------------

    private static async Task<IResult> ProgressAsync(HttpContext http, CaseEngine engine, EngineStore store, QueryCodes codes, CancellationToken ct)
    {
        // The query code is a secret of the applicant's: the page is neither cached nor passed on as a referrer.
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        http.Response.Headers["X-Robots-Tag"] = "noindex";

        var caseNo = Text(http.Request.Query["caseNo"]);
        var code = Text(http.Request.Query["code"]);
        if (caseNo is null && code is null)
            return Page(http, "progress", "办件进度查询", new ProgressPage("", false, false, null));
        if (caseNo is null || code is null)
            return Page(http, "progress", "办件进度查询", new ProgressPage(caseNo ?? "", false, true, null));

        Case? found = null;
        if (caseNo.Length <= 64 && code.Length <= 32)
            await using (var db = store.CreateContext())
                found = await CaseList.FindByNumberAsync(db, caseNo, ct);
        // The code is checked against some id either way, so a wrong code and an unknown number cost the same and
        // answer the same: nothing tells whether the number exists.
        var matches = codes.Matches(found?.Id ?? Guid.Empty, code) && found is not null;
        if (!matches)
            return Page(http, "progress", "办件进度查询", new ProgressPage("", true, false, null), StatusCodes.Status404NotFound);

        await using var session = await store.OpenAsync(ct);
        var model = await engine.Library.GetAsync(session, found!.DefinitionVersionId, ct);
        var visits = await session.LoadVisitsAsync(found.Id, ct);
        var order = DefinitionOrder(model.Definition);
        // Steps entered in one command share a time: one passed straight through (申请) first, then a block before its branches.
        var steps = visits
            .Where(v => v.NodeKind != Vocabulary.NodeKinds[NodeKind.Decision])
            .OrderBy(v => v.EnteredAt).ThenBy(v => v.LeftAt == v.EnteredAt ? 0 : 1)
            .ThenBy(v => order.TryGetValue(v.NodeId, out var o) ? o : (int.MaxValue, int.MaxValue)).ThenBy(v => v.Id)
            .Select(v => new ProgressStep(
                model.Contains(v.NodeId) ? model.Place(v.NodeId).Node.Name : "办理环节",
                Beijing(v.EnteredAt), v.LeftAt is { } left ? Beijing(left) : null, v.LeftAt is not null,
                v.LeftAt is null ? "办理中" : v.Outcome == Cancelled ? "无需办理" : "已完成"))
            .ToList();
        var view = new ProgressCase(
            model.Version.PowerName, PowerHref(found.PowerCode), CaseNumber.Of(found), Beijing(found.AppliedAt),
            found.AcceptedAt is { } accepted ? Beijing(accepted) : null, StatusOf(found), found.Result,
            found.PromisedDue is { } due ? Beijing(due) : null, found.SuspendedSince is not null, steps);
        return Page(http, "progress", "办件进度查询", new ProgressPage(view.CaseNo, false, false, view));
    }

    /// <summary>Each node's nesting depth (0: top level) and position in the definition, branches after their block.</summary>
    private static Dictionary<string, (int Depth, int Index)> DefinitionOrder(ProcessDefinition definition)
    {
        var order = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        void Add(IEnumerable<Node> nodes, int depth)
        {
            foreach (var node in nodes)
            {
                order.TryAdd(node.Id, (depth, order.Count));
                if (node is ParallelNode block)
                    foreach (var branch in block.Branches) Add(branch.Nodes, depth + 1);
            }
        }
        Add(definition.Nodes, 0);
        return order;
    }

    private static string StatusOf(Case c) => c.Status switch
    {
        CaseStatus.Running when c.AcceptedAt is null => "待受理",
        CaseStatus.Running => "办理中",
        CaseStatus.AwaitingSupplement => "待补正（请按一次性告知的要求补正材料）",
        CaseStatus.Completed => "已办结",
        CaseStatus.Withdrawn => "已撤回",
        CaseStatus.Terminated => "已终止",
        _ => "办理中",
    };

    // ---------------- helpers ----------------

    private static IResult Page(HttpContext http, string page, string title, object model, int status = StatusCodes.Status200OK)
    {
        var headers = http.Response.Headers;
        headers["X-Content-Type-Options"] = "nosniff";
        headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
        return Results.Content(PublicPages.Render(page, title, model), Html, Encoding.UTF8, status);
    }

    private static DefinitionVersion? Newest(PowerVersions power, DefinitionState state) =>
        power.Versions.LastOrDefault(v => v.State == state);

    private static string PowerHref(string code) => "/public/powers/" + Uri.EscapeDataString(code);

    private static string Beijing(DateTime utc, string format = "yyyy-MM-dd HH:mm") =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), CaseNumber.China).ToString(format, CultureInfo.InvariantCulture);

    private static string? Text(Microsoft.Extensions.Primitives.StringValues values)
    {
        var value = values.ToString().Trim();
        return value.Length == 0 ? null : value;
    }

    private static int? Number(Microsoft.Extensions.Primitives.StringValues values) =>
        int.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static string QueryString(params (string Key, string? Value)[] parameters)
    {
        var present = parameters.Where(p => p.Value is not null).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}").ToList();
        return present.Count == 0 ? "" : "?" + string.Join("&", present);
    }
}
