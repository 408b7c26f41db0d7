using System.Globalization;
using System.Text.Json;
using Bpm.Definitions.Model;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;

namespace Bpm.Engine.Behaviors;

/// <summary>Renders a document or notice from the definition's template and keeps it with the case.</summary>
public sealed class ServiceBehavior : INodeBehavior
{
    public NodeKind Kind => NodeKind.Service;

    public void Enter(CaseRun run, Token token, Node node)
    {
        var service = (ServiceNode)node;
        run.OpenVisit(token, node.Id, Kind, null);
        if (service.Template is { } templateId && run.Model.Templates.TryGetValue(templateId, out var template))
        {
            string body;
            try
            {
                body = run.Services.Documents.Render(run.Case.DefinitionVersionId, template, ModelFor(run, service));
            }
            catch (Exception e) when (e is HandlebarsDotNet.HandlebarsException or FormatException or InvalidOperationException)
            {
                run.RaiseIncident(token, node, null, $"template '{templateId}' could not be rendered: {e.Message}");
                return;
            }
            var recipient = service.To is { } to ? Vocabulary.NoticeRecipients[to] : null;
            var document = run.AddDocument(node.Id, template, recipient, body);
            run.Journal(service.Action == ServiceAction.SendNotice ? "notice-issued" : "document-rendered", node.Id,
                new { document = document.Id, template = templateId, name = template.Name, recipient });
        }
        run.Leave(token, node, null, Verdict.Approve, Actor.System.Id);
    }

    private static Dictionary<string, object?> ModelFor(CaseRun run, ServiceNode node)
    {
        var power = run.Model.Definition.Power;
        var lastOpinion = run.WorkItems.Where(w => w.Status == WorkItemStatus.Completed && w.Opinion is not null).MaxBy(w => w.CompletedAt);
        using var data = JsonDocument.Parse(run.Case.Data);
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["applicant"] = new Dictionary<string, object?> { ["name"] = run.Case.ApplicantName, ["idNumber"] = run.Case.ApplicantId },
            ["case"] = new Dictionary<string, object?>
            {
                ["no"] = CaseNumber.Of(run.Case),
                ["appliedAt"] = ChineseDate(run.Case.AppliedAt),
                ["result"] = run.Case.Result,
            },
            ["power"] = new Dictionary<string, object?>
            {
                ["code"] = power.Code, ["name"] = power.Name, ["category"] = Vocabulary.Categories[power.Category],
                ["subject"] = power.Subject, ["undertaker"] = power.Undertaker,
            },
            ["node"] = new Dictionary<string, object?> { ["name"] = node.Name },
            ["opinion"] = lastOpinion?.Opinion,
            ["outcome"] = lastOpinion?.Outcome,
            ["today"] = ChineseDate(run.Now),
            ["documentNo"] = $"{power.Code}〔{run.Now:yyyy}〕{CaseNumber.Of(run.Case)[^6..]}号",
            ["data"] = DocumentRenderer.FromJson(data.RootElement),
        };
    }

    private static string ChineseDate(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(utc, CaseNumber.China).ToString("yyyy年M月d日", CultureInfo.InvariantCulture);
}
