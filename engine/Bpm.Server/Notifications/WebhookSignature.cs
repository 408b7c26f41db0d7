using System.Security.Cryptography;
using System.Text;

namespace Bpm.Server.Notifications;

/// <summary>
/// How a webhook POST is signed, for receivers to check: <c>X-Bpm-Signature: sha256=&lt;hex&gt;</c> where hex is the
/// lower-case HMAC-SHA256, keyed with the subscription's secret (UTF-8), of <c>X-Bpm-Timestamp + "." + body</c>
/// (the raw body bytes). The timestamp is Unix seconds; receivers should refuse old ones (replays) and use
/// <c>X-Bpm-Delivery</c> to drop repeats (a delivery is sent at least once).
/// </summary>
public static class WebhookSignature
{
    public const string DeliveryHeader = "X-Bpm-Delivery";
    public const string TimestampHeader = "X-Bpm-Timestamp";
    public const string SignatureHeader = "X-Bpm-Signature";
    public const string Prefix = "sha256=";

    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    /// <summary>Whether <paramref name="signature"/> (the header's value) signs this timestamp and body; constant time.</summary>
    public static bool Verify(string secret, string timestamp, ReadOnlySpan<byte> body, string? signature) =>
        signature is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, timestamp, body)), Encoding.ASCII.GetBytes(signature));
}
