using System.Text;
using System.Text.Json;

namespace Bpm.Definitions.Source;

/// <summary>Reads JSON into a <see cref="SourceNode"/> tree with line/column positions (which JsonDocument does not keep).</summary>
public static class JsonSourceReader
{
    public static SourceNode Read(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var lines = new LineIndex(bytes);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false, MaxDepth = YamlSourceReader.MaxDepth });
        try
        {
            if (!reader.Read())
                throw new SourceSyntaxException("the document is empty", new SourcePosition(1, 1));
            var root = ReadValue(ref reader, lines);
            if (reader.Read())
                throw new SourceSyntaxException("unexpected content after the end of the JSON document", lines.At(reader.TokenStartIndex));
            return root;
        }
        catch (JsonException e)
        {
            var line = (int)(e.LineNumber ?? 0) + 1;
            var column = (int)(e.BytePositionInLine ?? 0) + 1;
            throw new SourceSyntaxException(Clean(e.Message), lines.Column(line, column));
        }
    }

    private static SourceNode ReadValue(ref Utf8JsonReader reader, LineIndex lines)
    {
        var position = lines.At(reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            {
                var entries = new List<SourceEntry>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var key = new SourceScalar(lines.At(reader.TokenStartIndex), ScalarKind.String, reader.GetString()!);
                    reader.Read();
                    entries.Add(new SourceEntry(key, ReadValue(ref reader, lines)));
                }
                return new SourceMapping(position, entries);
            }
            case JsonTokenType.StartArray:
            {
                var items = new List<SourceNode>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    items.Add(ReadValue(ref reader, lines));
                return new SourceSequence(position, items);
            }
            case JsonTokenType.String:
                return new SourceScalar(position, ScalarKind.String, reader.GetString()!);
            case JsonTokenType.Number:
                return new SourceScalar(position, ScalarKind.Number, Encoding.UTF8.GetString(reader.ValueSpan));
            case JsonTokenType.True or JsonTokenType.False:
                return new SourceScalar(position, ScalarKind.Bool, reader.GetBoolean() ? "true" : "false");
            case JsonTokenType.Null:
                return new SourceScalar(position, ScalarKind.Null, "");
            default:
                throw new SourceSyntaxException($"unexpected JSON token {reader.TokenType}", position);
        }
    }

    private static string Clean(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var text = (cut >= 0 ? message[..cut] : message).Trim().TrimEnd('.');
        return text.Length == 0 ? "malformed JSON" : char.ToLowerInvariant(text[0]) + text[1..];
    }

    /// <summary>Maps UTF-8 byte offsets to 1-based line and character column.</summary>
    private sealed class LineIndex
    {
        private readonly byte[] _bytes;
        private readonly List<int> _starts = [0];

        public LineIndex(byte[] bytes)
        {
            _bytes = bytes;
            for (var i = 0; i < bytes.Length; i++)
                if (bytes[i] == (byte)'\n') _starts.Add(i + 1);
        }

        public SourcePosition At(long offset)
        {
            var index = _starts.BinarySearch((int)offset);
            var line = index >= 0 ? index : ~index - 1;
            var start = _starts[line];
            return new SourcePosition(line + 1, Encoding.UTF8.GetCharCount(_bytes, start, (int)offset - start) + 1);
        }

        // The JSON reader reports a byte column; turn it into a character column.
        public SourcePosition Column(int line, int byteColumn)
        {
            if (line - 1 >= _starts.Count) return new SourcePosition(line, byteColumn);
            var start = _starts[line - 1];
            var length = Math.Clamp(byteColumn - 1, 0, _bytes.Length - start);
            return new SourcePosition(line, Encoding.UTF8.GetCharCount(_bytes, start, length) + 1);
        }
    }
}
