using System.Globalization;
using System.Text.RegularExpressions;
using Bpm.Definitions.Diagnostics;
using Bpm.Definitions.Model;
using Bpm.Definitions.Source;

namespace Bpm.Definitions.Reading;

public sealed partial class DefinitionBinder
{
    /// <summary>A mapping being bound: its entries by key, its path, and what it is called in messages.</summary>
    private sealed class Obj(Dictionary<string, SourceEntry> entries, string path, string what, SourcePosition position)
    {
        public string Path { get; } = path;
        public string What { get; } = what;
        public SourcePosition Position { get; } = position;
        public SourceNode? this[string key] => entries.TryGetValue(key, out var entry) ? entry.Value : null;
        public string PathOf(string key) => $"{Path}/{key}";
    }

    private Obj? Open(SourceNode source, string path, string definition, string what)
    {
        _map.Record(path, source.Position);
        if (source is not SourceMapping mapping)
        {
            WrongType(source, path, $"{what} (a mapping)");
            return null;
        }
        var known = DslKeys.Of(definition);
        var entries = new Dictionary<string, SourceEntry>(StringComparer.Ordinal);
        foreach (var entry in Unique(mapping, path))
        {
            var key = entry.Key.Text;
            if (Array.IndexOf(known, key) < 0)
            {
                Report(Codes.UnknownProperty, $"unknown property '{key}' in {what}{Suggest(key, known)}", $"{path}/{key}", entry.Key.Position);
                continue;
            }
            entries[key] = entry;
            _map.Record($"{path}/{key}", entry.Value.Position);
        }
        return new Obj(entries, path, what, mapping.Position);
    }

    /// <summary>The value under <paramref name="key"/>, or null when absent or written as null (reported if required).</summary>
    private SourceNode? Present(Obj o, string key, bool required)
    {
        var source = o[key];
        if (source is not null && source is not SourceScalar { Kind: ScalarKind.Null }) return source;
        if (required) Missing(o, key);
        return null;
    }

    private IEnumerable<SourceEntry> Unique(SourceMapping mapping, string path)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in mapping.Entries)
        {
            if (seen.Add(entry.Key.Text)) yield return entry;
            else Report(Codes.DuplicateProperty, $"'{entry.Key.Text}' is written twice here; keep one", $"{path}/{entry.Key.Text}", entry.Key.Position);
        }
    }

    private T? Object<T>(Obj o, string key, bool required, Func<Obj, T> bind, string? definition = null) where T : class
    {
        if (Present(o, key, required) is not { } source) return null;
        return Object(source, o.PathOf(key), bind, definition ?? key);
    }

    private T? Object<T>(SourceNode source, string path, Func<Obj, T> bind, string definition) where T : class
    {
        var inner = Open(source, path, definition, Describe(definition));
        if (inner is null)
        {
            _complete = false;
            return null;
        }
        return bind(inner);
    }

    private ValueList<T> List<T>(Obj o, string key, bool required, Func<Obj, T> bind, string definition) where T : class =>
        List(o, key, required, (source, path) => Object(source, path, bind, definition));

    private ValueList<T> List<T>(Obj o, string key, bool required, Func<SourceNode, string, T?> bind) where T : class
    {
        if (Present(o, key, required) is not { } source) return ValueList<T>.Empty;
        if (source is not SourceSequence sequence)
        {
            WrongType(source, o.PathOf(key), "a list");
            _complete = false;
            return ValueList<T>.Empty;
        }
        var items = new List<T>(sequence.Items.Count);
        for (var i = 0; i < sequence.Items.Count; i++)
        {
            var path = $"{o.PathOf(key)}/{i}";
            _map.Record(path, sequence.Items[i].Position);
            var item = bind(sequence.Items[i], path);
            if (item is null) _complete = false;
            else items.Add(item);
        }
        return items.ToValueList();
    }

    private ValueList<string> TextList(Obj o, string key) => List(o, key, required: false, (source, path) => Text(source, path));

    private ValueList<string> IdentifierList(Obj o, string key) => List(o, key, required: false, (source, path) =>
    {
        var text = Text(source, path);
        if (text is not null) CheckIdentifier(text, path, source.Position);
        return text;
    });

    private string? Text(Obj o, string key, bool required = false)
    {
        if (Present(o, key, required) is not { } source) return null;
        var text = Text(source, o.PathOf(key));
        if (text is null && required) _complete = false;
        return text;
    }

    private string? Text(SourceNode source, string path)
    {
        if (source is SourceScalar { Kind: ScalarKind.String } s) return s.Text;
        WrongType(source, path, "text", source is SourceScalar { Kind: not ScalarKind.Null } scalar ? $"; quote it if you mean the text: \"{scalar.Text}\"" : "");
        return null;
    }

    private string? Identifier(Obj o, string key, bool required = false)
    {
        var text = Text(o, key, required);
        if (text is not null) CheckIdentifier(text, o.PathOf(key), o[key]!.Position);
        return text;
    }

    /// <summary>A form field key becomes <c>data.key</c> in expressions, so it must be a JavaScript identifier.</summary>
    private string? FieldKey(Obj o)
    {
        var text = Text(o, "key", required: true);
        if (text is not null && !FieldKeyPattern().IsMatch(text))
            Report(Codes.BadIdentifier,
                $"form field key '{text}' is read as data.{text} in expressions: use ASCII letters, digits and '_' (e.g. 'projectName')", o.PathOf("key"), o["key"]!.Position);
        return text;
    }

    private void CheckIdentifier(string text, string path, SourcePosition position)
    {
        if (!IdentifierPattern().IsMatch(text))
            Report(Codes.BadIdentifier,
                $"'{text}' is not a valid id: use ASCII letters, digits, '-' and '_', starting with a letter (e.g. 'fire-review')", path, position);
    }

    private decimal? Number(Obj o, string key, bool required = false)
    {
        if (Present(o, key, required) is not { } source) return null;
        if (source is SourceScalar { Kind: ScalarKind.Number } s &&
            decimal.TryParse(s.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            return value;
        WrongType(source, o.PathOf(key), "a number");
        if (required) _complete = false;
        return null;
    }

    /// <summary>A layout coordinate, parsed straight to double so any double the designer writes reads back exactly.</summary>
    private double Coordinate(Obj o, string key)
    {
        var source = o[key];
        if (source is SourceScalar { Kind: ScalarKind.Number } s &&
            double.TryParse(s.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
            return value;
        if (source is null) Missing(o, key);
        else WrongType(source, o.PathOf(key), "a number");
        return 0;
    }

    private int? Integer(Obj o, string key)
    {
        var value = Number(o, key);
        if (value is null) return null;
        if (value == Math.Floor(value.Value) && value is >= int.MinValue and <= int.MaxValue) return (int)value.Value;
        Report(Codes.WrongType, $"'{key}' must be a whole number, not {value}", o.PathOf(key), o[key]!.Position);
        return null;
    }

    /// <summary>A flag; <paramref name="absent"/> is its value when it is not written (or unreadable).</summary>
    private bool Bool(Obj o, string key, bool absent = false)
    {
        if (Present(o, key, required: false) is not { } source) return absent;
        if (source is SourceScalar { Kind: ScalarKind.Bool } s) return s.Text == "true";
        WrongType(source, o.PathOf(key), "true or false");
        return absent;
    }

    private DateOnly? Date(Obj o, string key)
    {
        var text = Text(o, key);
        if (text is null) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        Report(Codes.BadDate, $"'{text}' is not a date; write YYYY-MM-DD, e.g. 2021-03-30", o.PathOf(key), o[key]!.Position);
        return null;
    }

    private T? Word<T>(Obj o, string key, Words<T> words, DiagnosticCode code, bool required, string what) where T : struct, Enum
    {
        var text = Text(o, key, required);
        if (text is null)
        {
            if (required) _complete = false;
            return null;
        }
        if (words.TryParse(text, out var value)) return value;
        Report(code, $"unknown {what} '{text}'; use one of {string.Join(", ", words.All)}{Suggest(text, words.All)}", o.PathOf(key), o[key]!.Position);
        if (required) _complete = false;
        return null;
    }

    private Duration? Duration(Obj o, string key, bool required = false)
    {
        if (Present(o, key, required) is not { } source) return null;
        var path = o.PathOf(key);
        Duration? duration = source switch
        {
            SourceScalar { Kind: ScalarKind.String } s => ParseDuration(s.Text, path, s.Position, null),
            SourceMapping => DurationObject(source, path),
            SourceScalar { Kind: ScalarKind.Number } n => BadDuration(n, path, $"'{n.Text}' has no unit; write '{n.Text} 工作日' (or 自然日, 小时)"),
            _ => BadDuration(source, path, "a duration must be text such as '20 工作日' or {value: 20, unit: 工作日}"),
        };
        if (duration is null) _complete = false;
        return duration;
    }

    /// <summary>Ten thousand years of days: anything larger is a typo, and keeps date arithmetic in range.</summary>
    private const decimal MaxDurationValue = 3_650_000;

    private Duration? DurationObject(SourceNode source, string path)
    {
        var d = Open(source, path, "durationObject", "a duration");
        if (d is null) return null;
        var value = Number(d, "value", required: true);
        var unit = Text(d, "unit", required: true);
        if (value is null || unit is null) return null;
        if (Math.Abs(value.Value) > MaxDurationValue)
            return BadDuration(d["value"]!, d.PathOf("value"), $"{value} is far too long for a time limit; write a realistic number of days or hours");
        return ParseUnit(value.Value, unit, d.PathOf("unit"), d["unit"]!.Position, Text(d, "ref"));
    }

    private Duration? ParseDuration(string text, string path, SourcePosition position, string? reference)
    {
        var match = DurationPattern().Match(text);
        if (!match.Success)
            return BadDuration(new SourceScalar(position, ScalarKind.String, text), path,
                $"'{text}' is not a duration; write a number and a unit, e.g. '20 工作日', '90 自然日' or '4 小时'");
        if (!decimal.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || Math.Abs(value) > MaxDurationValue)
            return BadDuration(new SourceScalar(position, ScalarKind.String, text), path, $"'{text}' is far too long for a time limit; write a realistic number of days or hours");
        return ParseUnit(value, match.Groups[2].Value, path, position, reference);
    }

    private Duration? ParseUnit(decimal value, string unitText, string path, SourcePosition position, string? reference)
    {
        if (Vocabulary.TimeUnits.TryParse(unitText, out var unit)) return new Duration(value, unit, reference);
        Report(Codes.UnknownUnit, $"unknown time unit '{unitText}'; use 工作日, 自然日 or 小时{Suggest(unitText, Vocabulary.TimeUnits.All)}", path, position);
        return null;
    }

    private Duration? BadDuration(SourceNode source, string path, string message)
    {
        Report(Codes.BadDuration, message, path, source.Position);
        return null;
    }

    // ---- reporting ----

    private void Missing(Obj o, string key)
    {
        _complete = false;
        Report(Codes.MissingProperty, $"{o.What} needs '{key}'", o.PathOf(key), o.Position);
    }

    private void WrongType(SourceNode source, string path, string expected, string hint = "")
    {
        var found = source switch
        {
            SourceScalar s => s.Describe(),
            SourceSequence => "a list",
            _ => "a mapping",
        };
        Report(Codes.WrongType, $"expected {expected} but found {found}{hint}", path, source.Position);
    }

    private void Report(DiagnosticCode code, string message, string path, SourcePosition position) =>
        _diagnostics.Add(new Diagnostic(code.Code, code.Severity, message, path, position));

    private static string Show(SourceNode node) => node is SourceScalar s ? $"'{s.Text}'" : "(a list or mapping)";

    private static string Describe(string definition) => definition switch
    {
        "taskNode" => "a task node",
        "legalBasis" => "a legal basis entry",
        "formField" => "a form field",
        "discretionEntry" => "a discretion table",
        "discretionColumn" => "a discretion column",
        "discretionTier" => "a discretion tier",
        "taskDiscretion" => "a step's discretion block",
        "specialProcedure" => "a special procedure",
        "durationObject" => "a duration",
        "supervision" => "the supervision section",
        "escalation" => "an escalation",
        _ => $"'{definition}'",
    };

    /// <summary>A mapping key as a JSON-pointer segment (RFC 6901).</summary>
    private static string Segment(string key) => key.Replace("~", "~0").Replace("/", "~1");

    /// <summary>"; did you mean 'x'?" for a near miss (edit distance ≤ 2, or differing only in case).</summary>
    internal static string Suggest(string word, IEnumerable<string> candidates)
    {
        var best = candidates
            .Select(c => (Candidate: c, Distance: string.Equals(c, word, StringComparison.OrdinalIgnoreCase) ? 0 : EditDistance(word, c)))
            .Where(x => x.Distance == 0 || x.Candidate.Length >= 3 && x.Distance <= Math.Max(1, Math.Min(2, x.Candidate.Length / 3)))
            .OrderBy(x => x.Distance)
            .FirstOrDefault();
        return best.Candidate is null ? "" : $"; did you mean '{best.Candidate}'?";
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_-]*$")]
    private static partial Regex IdentifierPattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex FieldKeyPattern();

    [GeneratedRegex(@"^\s*(-?\d+(?:\.\d+)?)\s*(\S+)\s*$")]
    private static partial Regex DurationPattern();
}
