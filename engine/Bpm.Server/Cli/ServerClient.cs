using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Bpm.Definitions.Diffing;

namespace Bpm.Server.Cli;

/// <summary>A validator finding as the server reports it.</summary>
public sealed record ServerDiagnostic(string Code, string Severity, string Message, string? Path, int? Line, int? Column)
{
    public bool IsError => !string.Equals(Severity, "warning", StringComparison.OrdinalIgnoreCase);

    /// <summary>Compiler style, like <c>bpm validate</c>: <c>file:line:col: error BPM0012: message</c>.</summary>
    public string Format(string file) =>
        $"{file}:{Line ?? 1}:{Column ?? 1}: {(IsError ? "error" : "warning")} {Code}: {Message.ReplaceLineEndings(" ")}";
}

/// <summary>The reply to an uploaded draft: its findings and how it differs from the published version.</summary>
public sealed record DraftReply(
    Guid Id,
    string? PowerCode,
    bool Valid,
    IReadOnlyList<ServerDiagnostic>? Diagnostics,
    int? PublishedVersion,
    bool Unchanged,
    IReadOnlyList<DefinitionChange>? Changes);

public sealed record PublishReply(string PowerCode, int Version, string? ContentHash, string? State, bool Created);

public sealed record PowerVersionReply(int Version, string State, DateTimeOffset? PublishedAt, string? ContentHash);

public sealed record PowerReply(string Code, string Name, string? Category, string? Subject, IReadOnlyList<PowerVersionReply>? Versions, int? LatestVersion = null);

public sealed record PowerPageReply(IReadOnlyList<PowerReply>? Items, int Total, int Page, int PageSize);

/// <summary>A refusal: the problem+json body (RFC 7807) or, when the server sent none, what the status line says.</summary>
public sealed record ServerProblem(int Status, string Title, string? Detail, string? Code, IReadOnlyList<ServerDiagnostic> Diagnostics)
{
    /// <summary>The definition itself is wrong (a fix in the file helps), as opposed to the caller or the server's state.</summary>
    public bool IsDefinitionInvalid => Code == "definition-invalid";
}

/// <summary>Either what was asked for, or why the server refused it.</summary>
public sealed record ServerReply<T>(T? Value, ServerProblem? Problem) where T : class
{
    public static ServerReply<T> Ok(T value) => new(value, null);
    public static ServerReply<T> Refused(ServerProblem problem) => new(null, problem);
}

/// <summary>The server could not be reached at all (refused connection, unknown host, timeout): nothing was done.</summary>
public sealed class ServerUnreachableException(Uri server, string reason, Exception? inner = null)
    : Exception($"cannot reach the server at {server}: {reason}", inner)
{
    public Uri Server { get; } = server;
}

/// <summary>Where the CLI talks to and as whom: from --server/--token, else BPM_SERVER/BPM_TOKEN, else localhost.</summary>
public sealed record ServerConnection(Uri Server, string? Token)
{
    public const string DefaultServer = "http://localhost:5080";
    public const string ServerVariable = "BPM_SERVER";
    public const string TokenVariable = "BPM_TOKEN";

    public static bool TryResolve(string? server, string? token, Func<string, string?> environment, out ServerConnection? connection, out string error)
    {
        connection = null;
        var text = NonBlank(server) ?? NonBlank(environment(ServerVariable)) ?? DefaultServer;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            error = $"'{text}' is not a server address; give one like {DefaultServer}";
            return false;
        }
        error = "";
        connection = new ServerConnection(uri, NonBlank(token) ?? NonBlank(environment(TokenVariable)));
        return true;
    }

    private static string? NonBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

/// <summary>
/// The few calls of the BpmServer HTTP API the CLI makes, over a caller-supplied <see cref="HttpClient"/> (so tests can
/// hand it any handler). Refusals come back as <see cref="ServerProblem"/>; only an unreachable server throws.
/// </summary>
/// <summary>A department's quarter as <c>GET /api/supervision/scores</c> returns it.</summary>
public sealed record ScoreReply(string Department, string Quarter, decimal Points, decimal Score, string Grade, List<ScorePeriodReply>? Months, List<DeductionReply>? Deductions);

public sealed record ScorePeriodReply(string Period, decimal Points);

public sealed record DeductionReply(Guid CaseId, string EventKind, decimal Points, string Period, DateTime At);

public sealed class ServerClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() }, // "added" → ChangeKind.Added (reading is case-insensitive)
    };

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>Uses <paramref name="http"/> as it is: its BaseAddress and Authorization are the caller's business.</summary>
    public ServerClient(HttpClient http) : this(http, ownsHttp: false) { }

    private ServerClient(HttpClient http, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(http.BaseAddress, nameof(http.BaseAddress));
        _http = http;
        _ownsHttp = ownsHttp;
    }

    /// <summary>A client of its own for <paramref name="connection"/>; <paramref name="handler"/> replaces the network (tests).</summary>
    public static ServerClient Create(ServerConnection connection, HttpMessageHandler? handler = null, TimeSpan? timeout = null)
    {
        var http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.BaseAddress = WithTrailingSlash(connection.Server);
        http.Timeout = timeout ?? TimeSpan.FromSeconds(100);
        if (connection.Token is { } token) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new ServerClient(http, ownsHttp: true);
    }

    public Uri Server => _http.BaseAddress!;

    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    public Task<ServerReply<DraftReply>> UploadDraftAsync(string text, bool isJson, CancellationToken cancellationToken)
    {
        var content = new StringContent(text, Encoding.UTF8, isJson ? "application/json" : "application/yaml");
        return SendAsync<DraftReply>(HttpMethod.Post, "api/definitions/drafts", content, cancellationToken);
    }

    public Task<ServerReply<PublishReply>> PublishDraftAsync(Guid draftId, CancellationToken cancellationToken) =>
        SendAsync<PublishReply>(HttpMethod.Post, $"api/definitions/drafts/{draftId}/publish", null, cancellationToken);

    public Task<ServerReply<PowerPageReply>> ListPowersAsync(int page, int pageSize, CancellationToken cancellationToken) =>
        SendAsync<PowerPageReply>(HttpMethod.Get, $"api/powers?page={page}&pageSize={pageSize}", null, cancellationToken);

    /// <summary>GET /api/supervision/indicators/verify with the query string already built.</summary>
    public Task<ServerReply<Bpm.Storage.Supervision.IndicatorVerification>> VerifyIndicatorsAsync(string query, CancellationToken cancellationToken) =>
        SendAsync<Bpm.Storage.Supervision.IndicatorVerification>(HttpMethod.Get, "api/supervision/indicators/verify" + query, null, cancellationToken);

    /// <summary>GET /api/supervision/node-timing with the query string already built.</summary>
    public Task<ServerReply<Bpm.Storage.Supervision.NodeTimingReport>> NodeTimingAsync(string query, CancellationToken cancellationToken) =>
        SendAsync<Bpm.Storage.Supervision.NodeTimingReport>(HttpMethod.Get, "api/supervision/node-timing" + query, null, cancellationToken);

    /// <summary>Every power, page by page, until the server's total is reached (or a page comes back empty).</summary>
    public async Task<ServerReply<List<PowerReply>>> ListAllPowersAsync(CancellationToken cancellationToken, int pageSize = 100)
    {
        var all = new List<PowerReply>();
        for (var page = 1; ; page++)
        {
            var reply = await ListPowersAsync(page, pageSize, cancellationToken);
            if (reply.Problem is { } problem) return ServerReply<List<PowerReply>>.Refused(problem);
            var items = reply.Value!.Items ?? [];
            all.AddRange(items);
            if (items.Count == 0 || all.Count >= reply.Value.Total) return ServerReply<List<PowerReply>>.Ok(all);
        }
    }

    public Task<ServerReply<List<ScoreReply>>> ScoresAsync(string? quarter, string? department, CancellationToken cancellationToken) =>
        SendAsync<List<ScoreReply>>(HttpMethod.Get, $"api/supervision/scores?{Query(("quarter", quarter), ("department", department))}", null, cancellationToken);

    /// <summary>
    /// Streams one exchange dataset into <paramref name="output"/> as the server sends it (nothing is held in memory);
    /// null when done, else why the server refused.
    /// </summary>
    public async Task<ServerProblem?> ExportAsync(string dataset, IEnumerable<(string Name, string? Value)> query, Stream output, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/exchange/{Uri.EscapeDataString(dataset)}?{Query([.. query])}");
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e) when (e.StatusCode is null)
        {
            throw new ServerUnreachableException(Server, Reason(e), e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ServerUnreachableException(Server, $"no answer within {_http.Timeout.TotalSeconds:0} s", e);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode) return ProblemOf(response, await response.Content.ReadAsStringAsync(cancellationToken));
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await body.CopyToAsync(output, cancellationToken);
            return null;
        }
    }

    private static string Query(params (string Name, string? Value)[] pairs) =>
        string.Join("&", pairs.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));

    private async Task<ServerReply<T>> SendAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
        where T : class
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/problem+json"));
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e) when (e.StatusCode is null)
        {
            throw new ServerUnreachableException(Server, Reason(e), e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ServerUnreachableException(Server, $"no answer within {_http.Timeout.TotalSeconds:0} s", e);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode) return ServerReply<T>.Refused(ProblemOf(response, body));
            try
            {
                return JsonSerializer.Deserialize<T>(body, Json) is { } value
                    ? ServerReply<T>.Ok(value)
                    : ServerReply<T>.Refused(Unexpected(response, "an empty reply"));
            }
            catch (JsonException)
            {
                // Something answered, but not the BpmServer API (a proxy page, another program on the port).
                return ServerReply<T>.Refused(Unexpected(response, Shorten(body)));
            }
        }
    }

    private static ServerProblem ProblemOf(HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        var fallbackTitle = response.ReasonPhrase is { Length: > 0 } reason ? reason : response.StatusCode.ToString();
        if (body.Length > 0)
        {
            try
            {
                if (JsonSerializer.Deserialize<ProblemBody>(body, Json) is { } p && (p.Title ?? p.Detail ?? p.Code) is not null)
                    return new ServerProblem(p.Status ?? status, p.Title ?? fallbackTitle, p.Detail, p.Code, p.Diagnostics ?? []);
            }
            catch (JsonException)
            {
                // Not problem+json: fall through to what the status line says.
            }
        }
        return new ServerProblem(status, fallbackTitle, body.Length > 0 ? Shorten(body) : null, null, []);
    }

    private static ServerProblem Unexpected(HttpResponseMessage response, string what) =>
        new((int)response.StatusCode, "Unexpected reply", $"the server answered {(int)response.StatusCode} with {what}; is this a BpmServer?", "unexpected-reply", []);

    private sealed record ProblemBody(string? Type, string? Title, int? Status, string? Detail, string? Code, IReadOnlyList<ServerDiagnostic>? Diagnostics);

    private static string Reason(HttpRequestException e) => e.InnerException switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } => "unknown host",
        SocketException s => s.Message,
        _ => e.HttpRequestError switch
        {
            HttpRequestError.ConnectionError => "connection failed",
            HttpRequestError.NameResolutionError => "unknown host",
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            _ => e.Message,
        },
    };

    private static string Shorten(string text)
    {
        var oneLine = text.ReplaceLineEndings(" ").Trim();
        return oneLine.Length <= 200 ? oneLine : oneLine[..200] + "…";
    }

    /// <summary>Without the slash, a base of http://host/bpm would resolve "api/…" to http://host/api/….</summary>
    private static Uri WithTrailingSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    internal static bool IsUnauthorized(ServerProblem problem) => problem.Status == (int)HttpStatusCode.Unauthorized;
}
