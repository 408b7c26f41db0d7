using System.Net;
using System.Net.Sockets;

namespace Bpm.Bench;

/// <summary>
/// A loopback TCP relay between Npgsql and PostgreSQL that counts round trips: a round trip starts whenever the
/// client sends after the server last spoke (or for the first time) on a connection. Batched statements are one
/// round trip; a COMMIT, a connection reset or a prepared-statement setup on their own are one each. It only
/// relays bytes on 127.0.0.1 and stops with the benchmark.
/// </summary>
internal sealed class RoundTripProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _relays = [];
    private readonly Task _accepting;
    private long _roundTrips;
    private long _bytesSent;
    private long _bytesReceived;

    public RoundTripProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public (long RoundTrips, long BytesSent, long BytesReceived) Snapshot() =>
        (Interlocked.Read(ref _roundTrips), Interlocked.Read(ref _bytesSent), Interlocked.Read(ref _bytesReceived));

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_relays) _relays.Add(RelayAsync(client));
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var _ = client;
        using var server = new TcpClient { NoDelay = true };
        client.NoDelay = true;
        await server.ConnectAsync(_targetHost, _targetPort, _stop.Token);
        var fromClient = client.GetStream();
        var fromServer = server.GetStream();
        var serverSpokeLast = 1; // so the first message from the client starts a round trip
        var up = Pump(fromClient, fromServer, () =>
        {
            if (Interlocked.Exchange(ref serverSpokeLast, 0) == 1) Interlocked.Increment(ref _roundTrips);
        }, n => Interlocked.Add(ref _bytesSent, n));
        var down = Pump(fromServer, fromClient, () => Volatile.Write(ref serverSpokeLast, 1), n => Interlocked.Add(ref _bytesReceived, n));
        await Task.WhenAny(up, down);
        client.Close();
        server.Close();
        await Task.WhenAll(up, down).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task Pump(NetworkStream from, NetworkStream to, Action onData, Action<long> count)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0) return;
                onData();
                count(read);
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] relays;
        lock (_relays) relays = [.. _relays];
        await Task.WhenAll(relays).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }
}
