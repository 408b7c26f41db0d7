using Bpm.Definitions.Source;

namespace Bpm.Definitions.Reading;

/// <summary>Where each JSON-pointer path of the document was written, so model-level findings get a line and column.</summary>
public sealed class SourceMap
{
    private readonly Dictionary<string, SourcePosition> _positions = new(StringComparer.Ordinal);
    private string[] _lines = [];

    public void Record(string path, SourcePosition position) => _positions.TryAdd(path, position);

    /// <summary>Keeps the text so positions inside multi-line values (template bodies, expressions) can be found.</summary>
    public void Attach(string text) => _lines = text.Split('\n');

    /// <summary>The position of the path, or of its nearest recorded ancestor.</summary>
    public SourcePosition? Find(string path)
    {
        for (var p = path; ; p = p[..p.LastIndexOf('/')])
        {
            if (_positions.TryGetValue(p, out var position)) return position;
            if (p.Length == 0 || p.LastIndexOf('/') < 0) return _positions.TryGetValue("", out var root) ? root : null;
        }
    }

    /// <summary>
    /// The position of character <paramref name="index"/> of the string <paramref name="value"/> written at
    /// <paramref name="path"/>: exact for block scalars (| and >), quoted and plain one-line scalars, and JSON
    /// strings; the value's own position otherwise.
    /// </summary>
    public SourcePosition? Within(string path, string value, int index)
    {
        var start = Find(path);
        if (start is not { } at || at.Line > _lines.Length) return start;
        index = Math.Clamp(index, 0, value.Length);
        var line = _lines[at.Line - 1].TrimEnd('\r');
        var first = at.Column - 1 < line.Length ? line[at.Column - 1] : '\0';
        if (first is '|' or '>')
        {
            // Block scalar: the text starts on the next line, indented; the indentation is stripped from the value.
            var row = value[..index].Count(c => c == '\n');
            var column = index - (index == 0 ? 0 : value.LastIndexOf('\n', index - 1) + 1);
            var contentLine = at.Line + 1 + row;
            if (contentLine > _lines.Length) return start;
            var indent = IndentOfBlock(at.Line);
            return new SourcePosition(contentLine, indent + column + 1);
        }
        if (value.Contains('\n')) return start;
        var prefix = value[..index];
        return first switch
        {
            '"' => at with { Column = at.Column + 1 + Escaped(prefix).Length },
            '\'' => at with { Column = at.Column + 1 + prefix.Replace("'", "''").Length },
            _ => at with { Column = at.Column + prefix.Length },
        };
    }

    private int IndentOfBlock(int headerLine)
    {
        for (var l = headerLine; l < _lines.Length; l++)
        {
            var text = _lines[l].TrimEnd('\r');
            if (text.Trim().Length > 0) return text.Length - text.TrimStart(' ').Length;
        }
        return 0;
    }

    /// <summary>How a double-quoted (JSON or YAML) string writes these characters.</summary>
    private static string Escaped(string text)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\t' => "\\t",
                '\r' => "\\r",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        return builder.ToString();
    }
}
