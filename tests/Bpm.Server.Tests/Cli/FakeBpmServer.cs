using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Bpm.Server.Tests.Cli;

public sealed record RecordedRequest(HttpMethod Method, string PathAndQuery, string? ContentType, string? Authorization, string Body);

/// <summary>
/// The definition API as the CLI's contract states it (drafts, publish, powers; camelCase JSON, problem+json
/// refusals), played by an in-memory handler. Each endpoint's answer can be replaced per test.
/// </summary>
public sealed partial class FakeBpmServer : HttpMessageHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Dictionary<Guid, string> _drafts = [];
    private readonly object _gate = new();

    public List<RecordedRequest> Requests { get; } = [];

    /// <summary>The published version of each power code; absent: a new power.</summary>
    public Dictionary<string, int> Published { get; } = new(StringComparer.Ordinal);

    /// <summary>Replaces the answer to an upload (the request and the power code found in it); null keeps the default.</summary>
    public Func<RecordedRequest, string, (HttpStatusCode Status, object Body)?>? OnDraft { get; set; }

    public Func<string, (HttpStatusCode Status, object Body)?>? OnPublish { get; set; }

    public Func<int, int, (HttpStatusCode Status, object Body)>? OnPowers { get; set; }

    public IEnumerable<RecordedRequest> Uploads => Requests.Where(r => r.PathAndQuery.EndsWith("/api/definitions/drafts", StringComparison.Ordinal));

    public IEnumerable<RecordedRequest> Publishes => Requests.Where(r => r.PathAndQuery.EndsWith("/publish", StringComparison.Ordinal));

    public static object SampleChanges() => new object[]
    {
        new { kind = "changed", area = "limits", key = "promised", before = "10 工作日", after = "8 工作日", summary = "promised time limit (承诺时限): 10 工作日 → 8 工作日" },
        new { kind = "added", area = "node", key = "cooling", before = (string?)null, after = "wait 公示期 (5 自然日)", summary = "node added: cooling (公示期), wait 公示期 (5 自然日)" },
        new { kind = "removed", area = "flow", key = "certify→granted", before = "certify→granted", after = (string?)null, summary = "flow removed: certify→granted" },
    };

    public static object Problem(int status, string code, string title, string detail, object[]? diagnostics = null) =>
        new ProblemBody("urn:bpm:problem:" + code, title, status, detail, code, diagnostics ?? []);

    /// <summary>Marks a body to be sent as application/problem+json.</summary>
    public sealed record ProblemBody(string Type, string Title, int Status, string Detail, string Code, object[] Diagnostics);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(request.Method, request.RequestUri!.PathAndQuery, request.Content?.Headers.ContentType?.MediaType,
            request.Headers.Authorization?.ToString(), body);
        lock (_gate) Requests.Add(recorded);

        var path = request.RequestUri.AbsolutePath;
        if (request.Method == HttpMethod.Post && path.EndsWith("/api/definitions/drafts", StringComparison.Ordinal))
        {
            var code = PowerCode().Match(body) is { Success: true } m ? m.Groups[1].Value : "XX00000000";
            if (OnDraft?.Invoke(recorded, code) is { } custom) return Respond(custom.Status, custom.Body);
            var id = Guid.NewGuid();
            lock (_gate) _drafts[id] = code;
            var published = Published.TryGetValue(code, out var v) ? v : (int?)null;
            return Respond(HttpStatusCode.Created, new
            {
                id, powerCode = code, valid = true,
                diagnostics = new object[] { new { code = "BPM0212", severity = "warning", message = "a warning the draft may carry", path = "supervision", line = 3, column = 5 } },
                publishedVersion = published, unchanged = false, changes = published is null ? new object[0] : SampleChanges(),
            });
        }
        if (request.Method == HttpMethod.Post && PublishPath().Match(path) is { Success: true } p)
        {
            string code;
            lock (_gate) code = _drafts[Guid.Parse(p.Groups[1].Value)];
            if (OnPublish?.Invoke(code) is { } custom) return Respond(custom.Status, custom.Body);
            var version = Published.TryGetValue(code, out var v) ? v + 1 : 1;
            Published[code] = version;
            return Respond(HttpStatusCode.OK, new { powerCode = code, version, contentHash = "sha256:abc", state = "published", created = true });
        }
        if (request.Method == HttpMethod.Get && path.EndsWith("/api/powers", StringComparison.Ordinal))
        {
            var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri.Query);
            var (status, answer) = OnPowers?.Invoke(int.Parse(query["page"]!), int.Parse(query["pageSize"]!))
                                   ?? (HttpStatusCode.OK, new { items = Array.Empty<object>(), total = 0, page = 1, pageSize = 100 });
            return Respond(status, answer);
        }
        return Respond(HttpStatusCode.NotFound, Problem(404, "not-found", "Not found", $"no route {request.Method} {path}"));
    }

    private static HttpResponseMessage Respond(HttpStatusCode status, object body) => new(status)
    {
        Content = body is string text
            ? new StringContent(text, Encoding.UTF8, "text/html")
            : new StringContent(JsonSerializer.Serialize(body, body.GetType(), Json), Encoding.UTF8,
                body is ProblemBody ? "application/problem+json" : "application/json"),
    };

    /// <summary>A loopback port nothing listens on: connecting to it is refused at once.</summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [GeneratedRegex(@"""?code""?\s*:\s*""?([A-Z]{2}\d{8})")]
    private static partial Regex PowerCode();

    [GeneratedRegex(@"/api/definitions/drafts/([0-9a-f-]{36})/publish$")]
    private static partial Regex PublishPath();
}
