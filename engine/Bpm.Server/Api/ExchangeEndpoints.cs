using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Bpm.Engine;
using Bpm.Engine.Runtime;
using Bpm.Server.Security;
using Bpm.Storage;
using Bpm.Storage.Exchange;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Bpm.Server.Api;

/// <summary>
/// 办件信息交换 (domain.md §4, rule 28): <c>GET /api/exchange/{dataset}?caseId=|from=&amp;to=&amp;format=jsonl|csv</c> streams one
/// GB/T 39046 dataset with the standard's field names and code values. Rows are written as the export reads them, page by
/// page, so a window of any size is never buffered in the server.
/// </summary>
public static class ExchangeEndpoints
{
    /// <summary>How many rows are written between flushes to the client.</summary>
    private const int FlushEvery = 200;

    private static readonly JsonWriterOptions JsonLine = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All), Indented = false };

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/exchange/{dataset}", ExportAsync).RequireAuthorization(BpmRoles.Supervisor)
            .WithSummary("GB/T 39046 export of one dataset (办事申请 application, 事项受理 acceptance, 事项办理 handling, 特别程序 special-procedures, " +
                         "事项办结 completion, 绩效评价 evaluation, 电子监察 supervision) for one case (caseId) or a time window (from, to: ISO dates, " +
                         "Beijing time unless an offset is given; the dataset's own time, e.g. 申请时间, falls in [from, to)), as JSON Lines or CSV");
    }

    private static async Task ExportAsync(
        string dataset, Guid? caseId, string? from, string? to, string? format, HttpContext http, EngineStore store, CaseEngine engine, CancellationToken ct)
    {
        if (!ExchangeDatasets.Names.TryGetValue(dataset, out var which))
            throw ApiException.NotFound("unknown-dataset", $"'{dataset}' is not a dataset; use one of {string.Join(", ", ExchangeDatasets.Names.Keys)}");
        var csv = (format ?? "jsonl").ToLowerInvariant() switch
        {
            "jsonl" => false,
            "csv" => true,
            _ => throw ApiException.BadRequest("bad-format", "format is jsonl or csv"),
        };
        var filter = new ExchangeFilter(caseId, Time(from, "from"), Time(to, "to"));
        if (filter.CaseId is null && (filter.From is null || filter.To is null))
            throw ApiException.BadRequest("window-required", "export one case (caseId) or a time window (from and to)");
        if (filter.From > filter.To) throw ApiException.BadRequest("bad-window", "from is after to");

        var fields = ExchangeDatasets.Fields[which];
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        http.Response.ContentType = csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{which.ToString().ToLowerInvariant()}.{(csv ? "csv" : "jsonl")}\"";
        await using var db = store.CreateContext();
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), bufferSize: 16 * 1024);
        if (csv) await writer.WriteAsync(CsvLine(fields));
        var rows = 0;
        await foreach (var row in new ExchangeExport(db, engine.Library).RowsAsync(which, filter, ct))
        {
            await writer.WriteAsync(csv ? CsvLine(row) : JsonObjectLine(fields, row));
            if (++rows % FlushEvery == 0) await writer.FlushAsync(ct);
        }
        await writer.FlushAsync(ct);
    }

    /// <summary>An ISO date or time; without an offset it is Beijing time, the standard's own.</summary>
    private static DateTime? Time(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed))
            throw ApiException.BadRequest("bad-time", $"{name} is an ISO date or time (2026-11-01, 2026-11-01T08:00:00+08:00), not '{text}'");
        var utc = parsed.Kind switch
        {
            DateTimeKind.Utc => parsed,
            DateTimeKind.Local => parsed.ToUniversalTime(),
            _ => TimeZoneInfo.ConvertTimeToUtc(parsed, CaseNumber.China),
        };
        return CaseEngine.Truncate(utc);
    }

    /// <summary>RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; lines end with CRLF.</summary>
    public static string CsvLine(IReadOnlyList<string> values)
    {
        var line = new StringBuilder();
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0) line.Append(',');
            var value = values[i];
            if (value.AsSpan().IndexOfAny(",\"\r\n") >= 0) line.Append('"').Append(value.Replace("\"", "\"\"")).Append('"');
            else line.Append(value);
        }
        return line.Append("\r\n").ToString();
    }

    private static string JsonObjectLine(IReadOnlyList<string> fields, IReadOnlyList<string> values)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonLine))
        {
            json.WriteStartObject();
            for (var i = 0; i < fields.Count; i++) json.WriteString(fields[i], values[i]);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
