using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Bpm.Definitions.Model;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Microsoft.EntityFrameworkCore;

namespace Bpm.Storage.Exchange;

/// <summary>Which records: one case, or those whose dataset time falls in [From, To) (either end open).</summary>
public sealed record ExchangeFilter(Guid? CaseId = null, DateTime? From = null, DateTime? To = null);

/// <summary>
/// Streams a GB/T 39046 dataset as rows of field values (in <see cref="ExchangeDatasets.Fields"/> order). Rows are read
/// in pages of <see cref="PageSize"/> by the dataset's time (申请时间, 受理时间, 环节开始时间 …), each page with what its rows
/// need from other tables, so a window of any size is never held in memory and no reader stays open between pages.
/// </summary>
public sealed class ExchangeExport(BpmDbContext db, DefinitionLibrary library)
{
    public const int PageSize = 500;

    private readonly Dictionary<Guid, ProcessModel> _models = [];

    public IAsyncEnumerable<string[]> RowsAsync(ExchangeDataset dataset, ExchangeFilter filter, CancellationToken cancellationToken = default) => dataset switch
    {
        ExchangeDataset.Application => ApplicationsAsync(filter, cancellationToken),
        ExchangeDataset.Acceptance => AcceptancesAsync(filter, cancellationToken),
        ExchangeDataset.Handling => HandlingAsync(filter, cancellationToken),
        ExchangeDataset.SpecialProcedure => ProceduresAsync(filter, cancellationToken),
        ExchangeDataset.Completion => CompletionsAsync(filter, cancellationToken),
        ExchangeDataset.Evaluation => EvaluationsAsync(filter, cancellationToken),
        _ => SupervisionAsync(filter, cancellationToken),
    };

    // ---------------------------------------------------------------- datasets

    private async IAsyncEnumerable<string[]> ApplicationsAsync(ExchangeFilter filter, [EnumeratorCancellation] CancellationToken ct)
    {
        var cases = db.Cases.AsNoTracking();
        if (filter.CaseId is { } id) cases = cases.Where(c => c.Id == id);
        await foreach (var page in PagesAsync(cases, c => c.AppliedAt, c => c.Id, filter, ct))
            foreach (var c in page)
            {
                var model = await ModelAsync(c.DefinitionVersionId, ct);
                var data = Data(c);
                yield return
                [
                    CaseNumber.Of(c), c.PowerCode, ExchangeDatasets.HandlingCode(model.Definition.Power.Handling), c.ApplicantName,
                    Text(data, "applicantIdType"), c.ApplicantId, Text(data, "contact"), Text(data, "source"),
                    ExchangeDatasets.Time(c.AppliedAt), Text(data, "projectCode"), Text(data, "region"),
                ];
            }
    }

    private async IAsyncEnumerable<string[]> AcceptancesAsync(ExchangeFilter filter, [EnumeratorCancellation] CancellationToken ct)
    {
        var cases = db.Cases.AsNoTracking().Where(c => c.AcceptedAt != null);
        if (filter.CaseId is { } id) cases = cases.Where(c => c.Id == id);
        await foreach (var page in PagesAsync(cases, c => c.AcceptedAt!.Value, c => c.Id, filter, ct))
        {
            var visits = await VisitsOfAsync(page.Select(c => c.Id), ct);
            foreach (var c in page)
            {
                var model = await ModelAsync(c.DefinitionVersionId, ct);
                var acceptance = visits[c.Id].LastOrDefault(v => v.NodeId == model.AcceptanceNodeId && v.LeftAt is not null);
                yield return
                [
                    CaseNumber.Of(c), c.PowerCode, c.PowerCode, acceptance?.Department ?? model.Definition.Power.Subject, "",
                    acceptance?.Handler ?? "", ExchangeDatasets.Time(c.AcceptedAt), "", ExchangeDatasets.Time(c.PromisedDue),
                    ExchangeDatasets.HandlingCode(model.Definition.Power.Handling),
                ];
            }
        }
    }

    private async IAsyncEnumerable<string[]> HandlingAsync(ExchangeFilter filter, [EnumeratorCancellation] CancellationToken ct)
    {
        var visits = db.NodeVisits.AsNoTracking();
        if (filter.CaseId is { } id) visits = visits.Where(v => v.CaseId == id);
        await foreach (var page in PagesAsync(visits, v => v.EnteredAt, v => v.Id, filter, ct))
        {
            var caseIds = page.Select(v => v.CaseId).Distinct().ToList();
            var cases = await CasesAsync(caseIds, ct);
            // The opinion of a visit is its work item's: same token and node, completed when the visit ended (read by case,
            // which ix_work_items_case_id_status serves).
            var items = (await db.WorkItems.AsNoTracking().Where(w => caseIds.Contains(w.CaseId) && w.Status == WorkItemStatus.Completed).ToListAsync(ct))
                .ToLookup(w => (w.TokenId, w.NodeId, w.CompletedAt));
            foreach (var v in page)
            {
                var model = await ModelAsync(v.DefinitionVersionId, ct);
                var node = model.Contains(v.NodeId) ? model.Place(v.NodeId).Node : null;
                Verdict? verdict = node is TaskNode task ? task.Outcomes.FirstOrDefault(o => o.Name == v.Outcome)?.Verdict
                    : v.Outcome is null ? null : TaskNode.DefaultOutcomes.FirstOrDefault(o => o.Name == v.Outcome)?.Verdict;
                var item = items[(v.TokenId, v.NodeId, v.LeftAt)].FirstOrDefault();
                yield return
                [
                    CaseNumber.Of(cases[v.CaseId]), ExchangeDatasets.Action(v, verdict), node?.Name ?? item?.NodeName ?? v.NodeId, v.Handler ?? "",
                    item?.Opinion ?? "", ExchangeDatasets.Time(v.EnteredAt), ExchangeDatasets.Time(v.LeftAt), v.Department ?? "",
                    ExchangeDatasets.VisitStateCode(v),
                ];
            }
        }
    }

    private async IAsyncEnumerable<string[]> ProceduresAsync(ExchangeFilter filter, [EnumeratorCancellation] CancellationToken ct)
    {
        var suspensions = db.Suspensions.AsNoTracking();
        if (filter.CaseId is { } id) suspensions = suspensions.Where(s => s.CaseId == id);
        await foreach (var page in PagesAsync(suspensions, s => s.StartedAt, s => s.Id, filter, ct))
        {
            var cases = await CasesAsync(page.Select(s => s.CaseId).Distinct(), ct);
            foreach (var s in page)
            {
                var c = cases[s.CaseId];
                var model = await ModelAsync(c.DefinitionVersionId, ct);
                yield return
                [
                    CaseNumber.Of(c), s.Kind, ExchangeDatasets.ProcedureCode(s), ExchangeDatasets.Time(s.StartedAt), s.Reason, s.RequestedBy,
                    ExchangeDatasets.Time(s.EndedAt), s.Result ?? "", s.Budget is null ? "" : $"申请时限 {s.Budget}", model.Definition.Power.Subject, "", s.Approver,
                ];
            }
        }
    }

    private async IAsyncEnumerable<string[]> CompletionsAsync(ExchangeFilter filter, [EnumeratorCancellation] CancellationToken ct)
    {
        var cases = db.Cases.AsNoTracking().Where(c => c.EndedAt != null);
        if (filter.CaseId is { } id) cases = cases.Where(c => c.Id == id);
        await foreach (var page in PagesAsync(cases, c => c.EndedAt!.Value, c => c.Id, filter, ct))
        {
            var ids = page.Select(c => c.Id).ToList();
            var visits = await VisitsOfAsync(ids, ct);
            var charged = (await db.FeeCharges.AsNoTracking().Where(f => ids.Contains(f.CaseId)).Select(f => f.CaseId).Distinct().ToListAsync(ct)).ToHashSet();
            foreach (var c in page)
            {
                var model = await ModelAsync(c.DefinitionVersionId, ct);
                var power = model.Definition.Power;
                var last = visits[c.Id].LastOrDefault(v => v.Handler is not null && v.Handler != Actor.System.Id);
                var granted = c.Status == CaseStatus.Completed && model.Definition.Nodes.OfType<EndNode>().Any(e => e.Result == EndResult.Granted && Vocabulary.EndResults[e.Result] == c.Result);
                yield return
                [
                    CaseNumber.Of(c), last?.Handler ?? "", ExchangeDatasets.Time(c.EndedAt), granted ? power.Guide?.Result ?? "" : "", "",
                    c.Result ?? "", "", power.Subject, power.Subject, "0", charged.Contains(c.Id) ? "1" : "0",
                ];
            }
        }
    }

    private async IAsyncEnumerable<string[]> EvaluationsAsync(ExchangeFilter filter, [EnumeratorCancellation] CancellationToken ct)
    {
        var ratings = db.Ratings.AsNoTracking();
        if (filter.CaseId is { } id) ratings = ratings.Where(r => r.CaseId == id);
        await foreach (var page in PagesAsync(ratings, r => r.RatedAt, r => r.Id, filter, ct))
        {
            var cases = await CasesAsync(page.Select(r => r.CaseId).Distinct(), ct);
            foreach (var r in page)
                yield return
                [
                    // 评价次数: the 受理 rating is the first, the 办结 one the second (一事一评, one per stage).
                    CaseNumber.Of(cases[r.CaseId]), r.Channel, ExchangeDatasets.Time(r.RatedAt), r.Stage == RatingStage.Accepted ? "1" : "2",
                    ExchangeDatasets.SatisfactionCode(r.Score), r.Text ?? "",
                ];
        }
    }

    private async IAsyncEnumerable<string[]> SupervisionAsync(ExchangeFilter filter, [EnumeratorCancellation] CancellationToken ct)
    {
        var orders = db.SupervisionOrders.AsNoTracking();
        if (filter.CaseId is { } id) orders = orders.Where(o => o.CaseId == id);
        await foreach (var page in PagesAsync(orders, o => o.IssuedAt, o => o.Id, filter, ct))
        {
            var cases = await CasesAsync(page.Select(o => o.CaseId).Distinct(), ct);
            foreach (var o in page)
            {
                var c = cases[o.CaseId];
                var model = await ModelAsync(c.DefinitionVersionId, ct);
                yield return
                [
                    CaseNumber.Of(c), o.Content, o.Department, ExchangeDatasets.CategoryCode(model.Definition.Power.Category),
                    ExchangeDatasets.Time(o.IssuedAt), o.No, o.Rule, ExchangeDatasets.WarningCode(o.Level), ExchangeDatasets.Time(o.StatusAt),
                    ResultOf(o), o.Department,
                ];
            }
        }
    }

    /// <summary>监察结果描述: the conclusion when closed, else where the order stands.</summary>
    private static string ResultOf(SupervisionOrder o) => o.Status switch
    {
        SupervisionStatus.Closed => o.Conclusion ?? "已结案",
        SupervisionStatus.Answered => $"已反馈（{o.AnswerKind}）：{o.Answer}",
        SupervisionStatus.Overdue => "逾期未反馈",
        SupervisionStatus.Returned => "退回重办",
        SupervisionStatus.Signed => "已签收",
        _ => "已发出",
    };

    // ---------------------------------------------------------------- paging and lookups

    /// <summary>
    /// Pages of a query in (time, id) order, by keyset on the time: each page starts at the last page's time and skips
    /// the rows with that time already returned. (Both providers compare times; SQLite stores ids as text, so the id only
    /// breaks ties within one instant.)
    /// </summary>
    private static async IAsyncEnumerable<List<T>> PagesAsync<T>(
        IQueryable<T> source, Expression<Func<T, DateTime>> time, Expression<Func<T, Guid>> id, ExchangeFilter filter,
        [EnumeratorCancellation] CancellationToken ct)
    {
        if (filter.From is { } from) source = source.Where(Compare(time, from, ExpressionType.GreaterThanOrEqual));
        if (filter.To is { } to) source = source.Where(Compare(time, to, ExpressionType.LessThan));
        var timeOf = time.Compile();
        var idOf = id.Compile();
        DateTime? last = null;
        var seen = new HashSet<Guid>(); // ids returned so far at time `last`
        while (true)
        {
            var query = last is { } at ? source.Where(Compare(time, at, ExpressionType.GreaterThanOrEqual)) : source;
            var take = PageSize + seen.Count;
            var rows = await query.OrderBy(time).ThenBy(id).Take(take).ToListAsync(ct);
            var fresh = rows.Where(r => !(timeOf(r) == last && seen.Contains(idOf(r)))).ToList();
            if (fresh.Count > 0) yield return fresh;
            if (rows.Count < take || fresh.Count == 0) yield break;
            var newest = timeOf(fresh[^1]);
            if (newest != last) seen.Clear();
            last = newest;
            foreach (var row in fresh.Where(r => timeOf(r) == newest)) seen.Add(idOf(row));
        }
    }

    /// <summary><c>time op value</c>, with the value as a query parameter rather than a constant.</summary>
    private static Expression<Func<T, bool>> Compare<T>(Expression<Func<T, DateTime>> time, DateTime value, ExpressionType op)
    {
        Expression<Func<DateTime>> parameter = () => value;
        return Expression.Lambda<Func<T, bool>>(Expression.MakeBinary(op, time.Body, parameter.Body), time.Parameters);
    }

    private async Task<Dictionary<Guid, Case>> CasesAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var list = ids.ToList();
        return await db.Cases.AsNoTracking().Where(c => list.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
    }

    private async Task<ILookup<Guid, NodeVisit>> VisitsOfAsync(IEnumerable<Guid> caseIds, CancellationToken ct)
    {
        var list = caseIds.ToList();
        return (await db.NodeVisits.AsNoTracking().Where(v => list.Contains(v.CaseId)).OrderBy(v => v.EnteredAt).ToListAsync(ct))
            .OrderBy(v => v.LeftAt ?? DateTime.MaxValue).ThenBy(v => v.EnteredAt).ToLookup(v => v.CaseId);
    }

    private async Task<ProcessModel> ModelAsync(Guid versionId, CancellationToken ct)
    {
        if (_models.TryGetValue(versionId, out var model)) return model;
        var version = await db.DefinitionVersions.AsNoTracking().SingleAsync(d => d.Id == versionId, ct);
        return _models[versionId] = library.Get(version);
    }

    private static JsonObject? Data(Case c) => JsonNode.Parse(c.Data) as JsonObject;

    private static string Text(JsonObject? data, string key) => data?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
}
