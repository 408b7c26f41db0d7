using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Bpm.Engine.State;

namespace Bpm.Engine.Journal;

/// <summary>What walking a case's journal found: intact, or the first entry that was altered or removed.</summary>
public sealed record JournalVerification(Guid CaseId, bool Intact, int Entries, int? FirstBadSeq, string? Problem);

/// <summary>
/// The tamper-evident chain of a case's journal: each entry's hash is SHA-256 over the previous entry's hash
/// and the entry's own canonical content; the case row keeps the head, so removing the newest entries shows too.
/// </summary>
public static class JournalChain
{
    public static readonly JsonSerializerOptions PayloadJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keep Chinese readable in the stored text
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Appends an entry to the case's chain and moves the head.</summary>
    public static JournalEntry Append(Case @case, DateTime at, string actor, string kind, string? nodeId, object? payload)
    {
        var entry = new JournalEntry
        {
            CaseId = @case.Id,
            Seq = @case.JournalLength + 1,
            At = at,
            Actor = actor,
            Kind = kind,
            NodeId = nodeId,
            Payload = payload is null ? "{}" : JsonSerializer.Serialize(payload, payload.GetType(), PayloadJson),
            PreviousHash = @case.JournalHead,
        };
        entry.Hash = HashOf(entry);
        @case.JournalLength = entry.Seq;
        @case.JournalHead = entry.Hash;
        return entry;
    }

    /// <summary>Lowercase hex SHA-256 of [seq, caseId, at, actor, kind, nodeId, payload, previousHash] as compact JSON.</summary>
    public static string HashOf(JournalEntry entry)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + entry.Payload.Length * 3);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteNumberValue(entry.Seq);
            writer.WriteStringValue(entry.CaseId.ToString("D"));
            writer.WriteStringValue(entry.At.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteStringValue(entry.Actor);
            writer.WriteStringValue(entry.Kind);
            if (entry.NodeId is null) writer.WriteNullValue(); else writer.WriteStringValue(entry.NodeId);
            writer.WriteStringValue(entry.Payload);
            writer.WriteStringValue(entry.PreviousHash);
            writer.WriteEndArray();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <summary>Walks the entries in order and reports the first break.</summary>
    public static JournalVerification Verify(Case @case, IReadOnlyList<JournalEntry> entries)
    {
        var previous = "";
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var expectedSeq = i + 1;
            if (entry.Seq != expectedSeq)
                return Broken(expectedSeq, $"entry {expectedSeq} is missing (the next stored entry is {entry.Seq})");
            if (entry.PreviousHash != previous)
                return Broken(entry.Seq, $"entry {entry.Seq} does not follow entry {entry.Seq - 1}: its previous hash differs");
            if (HashOf(entry) != entry.Hash)
                return Broken(entry.Seq, $"entry {entry.Seq} ({entry.Kind}) was altered: its content no longer matches its hash");
            previous = entry.Hash;
        }
        if (entries.Count < @case.JournalLength)
            return Broken(entries.Count + 1, $"entries {entries.Count + 1}–{@case.JournalLength} are missing: the case records {@case.JournalLength}");
        if (entries.Count > @case.JournalLength || previous != @case.JournalHead)
            return Broken(entries.Count, $"the chain's last hash differs from the head the case records");
        return new JournalVerification(@case.Id, true, entries.Count, null, null);

        JournalVerification Broken(int seq, string problem) => new(@case.Id, false, entries.Count, seq, problem);
    }
}
