using System.Net;
using System.Text.Json.Nodes;

namespace Bpm.Server.Tests.Api;

/// <summary>The two ways the API scenarios read a response: a JSON body with an expected status, or a problem+json with its code.</summary>
public static class ApiResponses
{
    /// <summary>The body as JSON, after checking the status (the message shows the body when it differs).</summary>
    public static async Task<JsonNode> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} instead of {(int)expected}: {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>An RFC 7807 problem with the expected status; every problem carries a <c>code</c>, this one if given.</summary>
    public static async Task<JsonNode> Problem(HttpResponseMessage response, HttpStatusCode expected, string? code = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} instead of {(int)expected}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!;
        if (code is not null) Assert.Equal(code, (string?)problem["code"]);
        else Assert.NotNull((string?)problem["code"]);
        return problem;
    }
}
