using Bpm.Definitions.Diagnostics;
using Bpm.Engine;
using Bpm.Engine.Ports;
using Bpm.Engine.Runtime;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bpm.Server.Api;

/// <summary>A diagnostic as the API shows it: the validator's finding with its line and column.</summary>
public sealed record DiagnosticView(string Code, string Severity, string Message, string Path, int? Line, int? Column, string? NodeId)
{
    public static DiagnosticView Of(Diagnostic d) =>
        new(d.Code, d.IsError ? "error" : "warning", d.Message, d.Path, d.Position?.Line, d.Position?.Column, d.NodeId);
}

/// <summary>
/// Every error leaves as RFC 7807 problem+json with a stable <c>code</c>: engine refusals keep the engine's reason
/// (work-item-completed, other-department …), definition errors carry the validator's diagnostics, and a lost race
/// is a 409 with Retry-After — never a 500.
/// </summary>
public static class ApiProblems
{
    public const string ContentType = "application/problem+json";

    public static int StatusOf(Exception e) => e switch
    {
        DefinitionRejectedException => StatusCodes.Status400BadRequest,
        NotFoundException => StatusCodes.Status404NotFound,
        ForbiddenException => StatusCodes.Status403Forbidden,
        StateConflictException or ConcurrencyConflictException or DuplicateReceiptException => StatusCodes.Status409Conflict,
        CommandRejectedException => StatusCodes.Status422UnprocessableEntity,
        ApiException api => api.Status,
        BadHttpRequestException bad => bad.StatusCode,
        System.Text.Json.JsonException => StatusCodes.Status400BadRequest,
        OperationCanceledException => 499,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static async Task HandleAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (error is null) return;
        var status = StatusOf(error);
        if (status == StatusCodes.Status500InternalServerError)
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Bpm.Server.Api")
                .LogError(error, "unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        var (code, title) = error switch
        {
            DefinitionRejectedException => ("definition-invalid", "The definition has errors"),
            EngineException engine => (engine.Reason, TitleOf(status)),
            ConcurrencyConflictException or DuplicateReceiptException => ("concurrency-conflict", "Someone else changed this at the same time"),
            ApiException api => (api.Code, TitleOf(status)),
            BadHttpRequestException when status == StatusCodes.Status413PayloadTooLarge => ("body-too-large", "Request body too large"),
            BadHttpRequestException or System.Text.Json.JsonException => ("bad-request", "Malformed request"),
            _ => ("internal-error", "Internal error"),
        };
        var detail = status == StatusCodes.Status500InternalServerError ? "an unexpected error; it has been logged" : error.Message;
        var problem = new Dictionary<string, object?>
        {
            ["type"] = "urn:bpm:problem:" + code,
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
            ["code"] = code,
            ["instance"] = context.Request.Path.Value,
            ["traceId"] = context.TraceIdentifier,
        };
        if (error is DefinitionRejectedException rejected)
            problem["diagnostics"] = rejected.Diagnostics.Select(DiagnosticView.Of).ToList();
        if (status == StatusCodes.Status409Conflict && code is "busy" or "concurrency-conflict")
        {
            context.Response.Headers.RetryAfter = "1";
            problem["retry"] = "reload the case and repeat the request";
        }
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(problem, ApiJson.Options, ContentType);
    }

    private static string TitleOf(int status) => status switch
    {
        400 => "Bad request",
        401 => "Not signed in",
        403 => "Not allowed",
        404 => "Not found",
        409 => "Conflict with the current state",
        413 => "Request body too large",
        415 => "Unsupported media type",
        422 => "Refused",
        _ => "Error",
    };
}

/// <summary>A refusal decided in the HTTP layer (a missing field, a role the caller lacks …) with its stable code.</summary>
public sealed class ApiException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;

    public static ApiException BadRequest(string code, string message) => new(StatusCodes.Status400BadRequest, code, message);
    public static ApiException Forbidden(string code, string message) => new(StatusCodes.Status403Forbidden, code, message);
    public static ApiException NotFound(string code, string message) => new(StatusCodes.Status404NotFound, code, message);
}
