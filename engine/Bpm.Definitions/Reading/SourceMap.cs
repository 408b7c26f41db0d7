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
    /// The position of <paramref name="needle"/> on the <paramref name="lineOffset"/>-th line of the value at
    /// <paramref name="path"/> (or the line after, for block scalars that start on the next line).
    /// Falls back to the value's own position.
    /// </summary>
    public SourcePosition? Locate(string path, int lineOffset, string needle)
    {
        var start = Find(path);
        if (start is null || needle.Length == 0) return start;
        for (var line = start.Value.Line + lineOffset; line <= Math.Min(_lines.Length, start.Value.Line + lineOffset + 1); line++)
        {
            var from = line == start.Value.Line ? Math.Max(0, start.Value.Column - 1) : 0;
            var text = _lines[line - 1];
            var column = from < text.Length ? text.IndexOf(needle, from, StringComparison.Ordinal) : -1;
            if (column >= 0) return new SourcePosition(line, column + 1);
        }
        return start;
    }
}
