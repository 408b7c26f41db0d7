using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Bpm.Definitions.Source;

/// <summary>Reads YAML into a <see cref="SourceNode"/> tree, resolving plain scalars by the YAML 1.2 core schema.</summary>
public static partial class YamlSourceReader
{
    public static SourceNode Read(string text)
    {
        var scanner = new Scanner(new StringReader(text));
        var parser = new Parser(scanner);
        var anchors = new Dictionary<string, SourceNode>(StringComparer.Ordinal);
        var lastGood = new SourcePosition(1, 1);
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
                throw new SourceSyntaxException("the document is empty", lastGood);
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, anchors, ref lastGood);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var second))
                throw new SourceSyntaxException("only one YAML document per file is allowed (found a second '---')", At(second.Start));
            return root;
        }
        catch (SourceSyntaxException) { throw; }
        catch (YamlException e)
        {
            // End is the problem mark (Start is where the construct began, often a line earlier).
            throw new SourceSyntaxException(Clean(e.Message), At(e.End));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet sometimes fails with a bare InvalidOperationException on malformed flow collections;
            // the scanner still knows where it stopped.
            throw new SourceSyntaxException("cannot continue here (an unclosed '[' or '{', or a missing ':'?)", At(scanner.CurrentPosition));
        }
    }

    /// <summary>Deeper nesting than any definition needs; refusing it keeps a hostile upload from exhausting the stack.</summary>
    public const int MaxDepth = 64;

    private static SourceNode ReadNode(IParser parser, Dictionary<string, SourceNode> anchors, ref SourcePosition lastGood, int depth = 0)
    {
        var current = parser.Current ?? throw new SourceSyntaxException("unexpected end of document", lastGood);
        if (depth > MaxDepth) throw new SourceSyntaxException($"lists and mappings nest deeper than {MaxDepth} levels", At(current.Start));
        lastGood = At(current.Start);
        switch (current)
        {
            case AnchorAlias alias:
                parser.MoveNext();
                return anchors.TryGetValue(alias.Value.Value, out var target)
                    ? target
                    : throw new SourceSyntaxException($"unknown alias '*{alias.Value.Value}'", At(alias.Start));
            case Scalar scalar:
            {
                parser.MoveNext();
                var node = Resolve(scalar);
                Remember(anchors, scalar.Anchor, node);
                return node;
            }
            case SequenceStart start:
            {
                parser.MoveNext();
                var items = new List<SourceNode>();
                while (!parser.Accept<SequenceEnd>(out _))
                    items.Add(ReadNode(parser, anchors, ref lastGood, depth + 1));
                parser.MoveNext();
                var node = new SourceSequence(At(start.Start), items);
                Remember(anchors, start.Anchor, node);
                return node;
            }
            case MappingStart start:
            {
                parser.MoveNext();
                var entries = new List<SourceEntry>();
                while (!parser.Accept<MappingEnd>(out _))
                {
                    var keyNode = ReadNode(parser, anchors, ref lastGood, depth + 1);
                    if (keyNode is not SourceScalar key)
                        throw new SourceSyntaxException("a mapping key must be a plain word, not a list or mapping", keyNode.Position);
                    var value = ReadNode(parser, anchors, ref lastGood, depth + 1);
                    entries.Add(new SourceEntry(key with { Kind = ScalarKind.String }, value));
                }
                parser.MoveNext();
                var node = new SourceMapping(At(start.Start), entries);
                Remember(anchors, start.Anchor, node);
                return node;
            }
            default:
                throw new SourceSyntaxException($"unexpected YAML element {current.GetType().Name}", At(current.Start));
        }
    }

    private static void Remember(Dictionary<string, SourceNode> anchors, AnchorName anchor, SourceNode node)
    {
        if (!anchor.IsEmpty) anchors[anchor.Value] = node;
    }

    private static SourceScalar Resolve(Scalar scalar)
    {
        var position = At(scalar.Start);
        var text = scalar.Value;
        if (scalar.Style is not ScalarStyle.Plain)
            return new SourceScalar(position, ScalarKind.String, text);
        if (text is "" or "~" or "null" or "Null" or "NULL")
            return new SourceScalar(position, ScalarKind.Null, "");
        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
            return new SourceScalar(position, ScalarKind.Bool, text.ToLowerInvariant());
        if (NumberPattern().IsMatch(text) && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            return new SourceScalar(position, ScalarKind.Number, text);
        return new SourceScalar(position, ScalarKind.String, text);
    }

    private static SourcePosition At(Mark mark) => new((int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

    // YamlDotNet prefixes messages with "(Line: x, Col: y, Idx: z) - (…): "; our diagnostics carry the position already.
    private static string Clean(string message)
    {
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        var text = cut >= 0 ? message[(cut + 3)..] : message;
        return text.TrimEnd('.').Length == 0 ? "malformed YAML" : char.ToLowerInvariant(text[0]) + text[1..].TrimEnd('.');
    }

    [GeneratedRegex(@"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")]
    private static partial Regex NumberPattern();
}
