using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bpm.Server.Tests.Notifications;

/// <summary>A POST as a receiver got it.</summary>
public sealed record ReceivedWebhook(string? Delivery, string? Timestamp, string? Signature, string? ContentType, byte[] Body, DateTime At)
{
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>Checks the signature the way a receiver would, independently of the server's code.</summary>
    public bool SignedWith(string secret)
    {
        if (Timestamp is null || Signature is null || !Signature.StartsWith("sha256=", StringComparison.Ordinal)) return false;
        var signed = Encoding.UTF8.GetBytes(Timestamp + ".").Concat(Body).ToArray();
        var expected = Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed)).ToLowerInvariant();
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(Signature["sha256=".Length..]));
    }
}

/// <summary>
/// A webhook receiver for tests: Kestrel on a free loopback port, recording every POST to /hook and answering with
/// whatever <see cref="Respond"/> says for the n-th request (1, 2, 3 …): a status code, possibly after a while.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private int _count;
    private int _inFlight;

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;
    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The answer to the n-th request (1-based); default 200 at once.</summary>
    public Func<int, CancellationToken, Task<int>> Respond { get; set; } = (_, _) => Task.FromResult(200);

    /// <summary>Answers <paramref name="status"/> at once.</summary>
    public static Func<int, CancellationToken, Task<int>> Always(int status) => (_, _) => Task.FromResult(status);

    /// <summary>Holds every request until the caller gives up (or the receiver stops).</summary>
    public static Func<int, CancellationToken, Task<int>> Hang => async (_, ct) =>
    {
        await Task.Delay(Timeout.Infinite, ct);
        return 200;
    };

    public static async Task<WebhookReceiver> StartAsync(Func<int, CancellationToken, Task<int>>? respond = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(1));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        if (respond is not null) receiver.Respond = respond;
        app.MapPost("/hook", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(new Uri(address), "/hook");
        return receiver;
    }

    /// <summary>A URL nobody listens on: a port that was free a moment ago (connections are refused).</summary>
    public static string ClosedPortUrl()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}/hook";
    }

    private async Task HandleAsync(HttpContext http)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            var n = Interlocked.Increment(ref _count);
            Received.Enqueue(new ReceivedWebhook(
                http.Request.Headers["X-Bpm-Delivery"].FirstOrDefault(), http.Request.Headers["X-Bpm-Timestamp"].FirstOrDefault(),
                http.Request.Headers["X-Bpm-Signature"].FirstOrDefault(), http.Request.ContentType, body.ToArray(), DateTime.UtcNow));
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _stopping.Token);
            int status;
            try
            {
                status = await Respond(n, linked.Token);
            }
            catch (OperationCanceledException)
            {
                return; // the sender gave up, or the receiver is stopping
            }
            http.Response.StatusCode = status;
            if (status >= 400) await http.Response.WriteAsync($"receiver says {status}");
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
