using System.Globalization;
using System.Text;
using System.Xml;
using Bpm.Definitions.Model;

namespace Bpm.Server.Public;

/// <summary>
/// A definition's flowchart as inline SVG: a box per top-level node (start and end rounded, decisions as diamonds,
/// a joint review as a container with its branches side by side), an arrow per flow labelled with its outcome.
/// Boxes go where the definition's layout puts them when it places every top-level node; otherwise a deterministic
/// top-down layered layout (longest path from the start, back edges ignored) places them.
/// Written with an <see cref="XmlWriter"/>, so every name and label from the definition is escaped.
/// </summary>
public static class Flowchart
{
    private const double TaskWidth = 180, TaskHeight = 52;
    private const double EventHeight = 40, EventMinWidth = 96;
    private const double DecisionWidth = 150, DecisionHeight = 72;
    private const double BlockHeader = 30, BranchTitle = 24, BranchPad = 12, BranchGap = 20;
    private const double LayerGap = 64, NodeGap = 48, Margin = 24, LoopRoom = 96;
    private const double FontSize = 13;
    private const string Svg = "http://www.w3.org/2000/svg";

    private readonly record struct Box(double X, double Y, double W, double H)
    {
        public double Right => X + W;
        public double Bottom => Y + H;
        public double CenterX => X + W / 2;
        public double CenterY => Y + H / 2;
    }

    /// <summary>The top-level nodes in layered order: by longest path from the start, then left to right.</summary>
    public static IReadOnlyList<Node> Order(ProcessDefinition definition) => Layers(definition).SelectMany(l => l).ToList();

    public static string ToSvg(ProcessDefinition definition)
    {
        var sizes = definition.Nodes.ToDictionary(n => n.Id, SizeOf, StringComparer.Ordinal);
        var boxes = FromLayout(definition, sizes) ?? Layered(definition, sizes);

        var width = boxes.Values.Max(b => b.Right) + Margin + LoopRoom;
        var height = boxes.Values.Max(b => b.Bottom) + Margin;
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { OmitXmlDeclaration = true, ConformanceLevel = ConformanceLevel.Fragment }))
        {
            xml.WriteStartElement("svg", Svg);
            xml.WriteAttributeString("class", "flowchart");
            xml.WriteAttributeString("role", "img");
            xml.WriteAttributeString("aria-label", Clean($"{definition.Power.Name} 办理流程图"));
            xml.WriteAttributeString("width", N(width));
            xml.WriteAttributeString("height", N(height));
            xml.WriteAttributeString("viewBox", $"0 0 {N(width)} {N(height)}");
            xml.WriteAttributeString("font-family", "'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif");
            xml.WriteAttributeString("font-size", N(FontSize));
            WriteDefs(xml);

            var routes = RouteFlows(definition, boxes);
            xml.WriteStartElement("g", Svg);
            xml.WriteAttributeString("class", "flows");
            foreach (var route in routes) WriteFlow(xml, route);
            xml.WriteEndElement();

            xml.WriteStartElement("g", Svg);
            xml.WriteAttributeString("class", "nodes");
            foreach (var node in definition.Nodes) WriteNode(xml, node, boxes[node.Id], branch: null);
            xml.WriteEndElement();

            xml.WriteStartElement("g", Svg);
            xml.WriteAttributeString("class", "labels");
            foreach (var route in routes) WriteLabel(xml, route);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }
        return text.ToString();
    }

    // ---------------- sizes ----------------

    private static (double W, double H) SizeOf(Node node) => node switch
    {
        StartNode or EndNode => (Math.Clamp(TextWidth(node.Name) + 32, EventMinWidth, TaskWidth), EventHeight),
        DecisionNode => (DecisionWidth, DecisionHeight),
        ParallelNode p => BlockSize(p),
        _ => (TaskWidth, TaskHeight),
    };

    private static (double W, double H) BlockSize(ParallelNode block)
    {
        double width = BranchPad, height = 0;
        foreach (var branch in block.Branches)
        {
            var (w, h) = BranchSize(branch);
            width += w + BranchPad;
            height = Math.Max(height, h);
        }
        width = Math.Max(width, Math.Min(TextWidth(BlockTitle(block)) + 2 * BranchPad, 480));
        return (width, BlockHeader + height + BranchPad);
    }

    private static (double W, double H) BranchSize(Branch branch)
    {
        var sizes = branch.Nodes.Select(SizeOf).ToList();
        var inner = sizes.Count == 0 ? TaskWidth : sizes.Max(s => s.W);
        var width = Math.Max(inner, Math.Min(TextWidth(branch.Name), TaskWidth)) + 2 * BranchPad;
        var height = BranchTitle + sizes.Sum(s => s.H) + BranchGap * Math.Max(0, sizes.Count - 1) + BranchPad;
        return (width, height);
    }

    // ---------------- placement ----------------

    /// <summary>
    /// The designer's positions, when it placed every top-level node, shifted into view. A position is the top-left
    /// corner of a step-wide cell: a narrower box (start, end, decision) is centred in it, a wider one (a joint review)
    /// starts there.
    /// </summary>
    private static Dictionary<string, Box>? FromLayout(ProcessDefinition definition, Dictionary<string, (double W, double H)> sizes)
    {
        var positions = new Dictionary<string, NodePosition>(StringComparer.Ordinal);
        foreach (var p in definition.Layout)
            if (double.IsFinite(p.X) && double.IsFinite(p.Y)) positions[p.NodeId] = p;
        if (definition.Nodes.Count == 0 || definition.Nodes.Any(n => !positions.ContainsKey(n.Id))) return null;
        var minX = definition.Nodes.Min(n => positions[n.Id].X);
        var minY = definition.Nodes.Min(n => positions[n.Id].Y);
        return definition.Nodes.ToDictionary(n => n.Id, n =>
        {
            var (w, h) = sizes[n.Id];
            var indent = Math.Max(0, (TaskWidth - w) / 2);
            return new Box(positions[n.Id].X - minX + Margin + indent, positions[n.Id].Y - minY + Margin, w, h);
        }, StringComparer.Ordinal);
    }

    /// <summary>Layers top to bottom, each centred on the widest.</summary>
    private static Dictionary<string, Box> Layered(ProcessDefinition definition, Dictionary<string, (double W, double H)> sizes)
    {
        var layers = Layers(definition);
        var rowWidths = layers.Select(l => l.Sum(n => sizes[n.Id].W) + NodeGap * (l.Count - 1)).ToList();
        var widest = rowWidths.Count == 0 ? 0 : rowWidths.Max();
        var boxes = new Dictionary<string, Box>(StringComparer.Ordinal);
        var y = Margin;
        for (var i = 0; i < layers.Count; i++)
        {
            var rowHeight = layers[i].Max(n => sizes[n.Id].H);
            var x = Margin + (widest - rowWidths[i]) / 2;
            foreach (var node in layers[i])
            {
                var (w, h) = sizes[node.Id];
                boxes[node.Id] = new Box(x, y + (rowHeight - h) / 2, w, h);
                x += w + NodeGap;
            }
            y += rowHeight + LayerGap;
        }
        return boxes;
    }

    /// <summary>
    /// Longest-path layering: a depth-first walk from the start (then from any node it did not reach, in definition
    /// order) marks the flows that close a cycle (补正, 退回 …); the rest form a DAG in which each node sits one layer
    /// below its lowest predecessor. Within a layer nodes follow their predecessors' mean position, then definition order.
    /// </summary>
    private static List<List<Node>> Layers(ProcessDefinition definition)
    {
        var nodes = definition.Nodes;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++) index.TryAdd(nodes[i].Id, i);
        var outgoing = nodes.Select(_ => new List<int>()).ToArray();
        foreach (var flow in definition.Flows)
            if (index.TryGetValue(flow.From, out var f) && index.TryGetValue(flow.To, out var t) && f != t && !outgoing[f].Contains(t))
                outgoing[f].Add(t);

        // Depth-first (iterative, so a long definition cannot exhaust the stack): forward edges only.
        var state = new int[nodes.Count]; // 0 new, 1 on the stack, 2 done
        var forward = nodes.Select(_ => new List<int>()).ToArray();
        var finished = new List<int>();
        var roots = nodes.Select((n, i) => (n, i)).OrderBy(p => p.n is StartNode ? 0 : 1).ThenBy(p => p.i).Select(p => p.i);
        foreach (var root in roots)
        {
            if (state[root] != 0) continue;
            var stack = new Stack<(int Node, int Next)>();
            stack.Push((root, 0));
            state[root] = 1;
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                if (next < outgoing[node].Count)
                {
                    stack.Push((node, next + 1));
                    var target = outgoing[node][next];
                    if (state[target] == 1) continue; // closes a cycle: drawn, but not layered
                    forward[node].Add(target);
                    if (state[target] == 0)
                    {
                        state[target] = 1;
                        stack.Push((target, 0));
                    }
                }
                else
                {
                    state[node] = 2;
                    finished.Add(node);
                }
            }
        }

        // Reverse finishing order is a topological order of the forward edges.
        var layer = new int[nodes.Count];
        finished.Reverse();
        foreach (var node in finished)
            foreach (var target in forward[node])
                layer[target] = Math.Max(layer[target], layer[node] + 1);

        var predecessors = nodes.Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < nodes.Count; i++)
            foreach (var target in forward[i]) predecessors[target].Add(i);

        var count = nodes.Count == 0 ? 0 : layer.Max() + 1;
        var position = new double[nodes.Count];
        var result = new List<List<Node>>();
        for (var l = 0; l < count; l++)
        {
            var members = Enumerable.Range(0, nodes.Count).Where(i => layer[i] == l)
                .OrderBy(i => predecessors[i].Count == 0 ? double.MaxValue : predecessors[i].Average(p => position[p]))
                .ThenBy(i => i)
                .ToList();
            for (var k = 0; k < members.Count; k++) position[members[k]] = k;
            if (members.Count > 0) result.Add(members.Select(i => nodes[i]).ToList());
        }
        return result;
    }

    // ---------------- drawing ----------------

    private static void WriteDefs(XmlWriter xml)
    {
        xml.WriteStartElement("defs", Svg);
        xml.WriteStartElement("marker", Svg);
        xml.WriteAttributeString("id", "bpm-arrow");
        xml.WriteAttributeString("viewBox", "0 0 10 10");
        xml.WriteAttributeString("refX", "10");
        xml.WriteAttributeString("refY", "5");
        xml.WriteAttributeString("markerWidth", "8");
        xml.WriteAttributeString("markerHeight", "8");
        xml.WriteAttributeString("orient", "auto-start-reverse");
        xml.WriteStartElement("path", Svg);
        xml.WriteAttributeString("d", "M0,0 L10,5 L0,10 z");
        xml.WriteAttributeString("fill", "#555");
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void WriteNode(XmlWriter xml, Node node, Box box, Branch? branch)
    {
        xml.WriteStartElement("g", Svg);
        xml.WriteAttributeString("class", $"node {Kind(node)}");
        xml.WriteAttributeString("data-node", Clean(node.Id));
        if (branch is not null) xml.WriteAttributeString("data-branch", Clean(branch.Id));
        Title(xml, node switch
        {
            TaskNode t => $"{node.Name}（{t.Department}）",
            ParallelNode p => BlockTitle(p),
            _ => node.Name,
        });
        switch (node)
        {
            case StartNode or EndNode:
                Rect(xml, box, rx: box.H / 2, fill: node is StartNode ? "#e8f5e9" : "#eceff1", stroke: node is StartNode ? "#2e7d32" : "#455a64");
                Label(xml, node.Name, box.CenterX, box.CenterY, box.W - 16);
                break;
            case DecisionNode:
                xml.WriteStartElement("polygon", Svg);
                xml.WriteAttributeString("points", $"{N(box.CenterX)},{N(box.Y)} {N(box.Right)},{N(box.CenterY)} {N(box.CenterX)},{N(box.Bottom)} {N(box.X)},{N(box.CenterY)}");
                xml.WriteAttributeString("fill", "#fff8e1");
                xml.WriteAttributeString("stroke", "#f9a825");
                xml.WriteAttributeString("stroke-width", "1.5");
                xml.WriteEndElement();
                Label(xml, node.Name, box.CenterX, box.CenterY, box.W / 2 + 8);
                break;
            case ParallelNode block:
                WriteBlock(xml, block, box);
                break;
            default:
                Rect(xml, box, rx: 4,
                    fill: node switch { ServiceNode => "#f3e5f5", WaitNode => "#fffde7", _ => "#e3f2fd" },
                    stroke: node switch { ServiceNode => "#7b1fa2", WaitNode => "#9e9d24", _ => "#1565c0" },
                    dashed: node is WaitNode);
                Label(xml, node.Name, box.CenterX, box.CenterY, box.W - 16);
                break;
        }
        xml.WriteEndElement();
    }

    private static void WriteBlock(XmlWriter xml, ParallelNode block, Box box)
    {
        Rect(xml, box, rx: 6, fill: "#fafafa", stroke: "#00695c", dashed: true);
        Text(xml, Fit(BlockTitle(block), box.W - 2 * BranchPad), box.X + BranchPad, box.Y + BlockHeader / 2 + 1, anchor: "start", weight: "bold");
        var x = box.X + BranchPad;
        foreach (var branch in block.Branches)
        {
            var (w, _) = BranchSize(branch);
            var column = new Box(x, box.Y + BlockHeader, w, box.H - BlockHeader - BranchPad);
            xml.WriteStartElement("g", Svg);
            xml.WriteAttributeString("class", "branch");
            xml.WriteAttributeString("data-branch", Clean(branch.Id));
            Title(xml, branch.Silence is { } silence ? $"{branch.Name}（{silence} 内未答复视为同意）" : branch.Name);
            Rect(xml, column, rx: 4, fill: "#e0f2f1", stroke: "#80cbc4");
            Text(xml, Fit(branch.Name, w - 8), column.CenterX, column.Y + BranchTitle / 2 + 1, anchor: "middle", size: 12);
            var y = column.Y + BranchTitle;
            Box? previous = null;
            foreach (var node in branch.Nodes)
            {
                var (nw, nh) = SizeOf(node);
                var nodeBox = new Box(column.CenterX - nw / 2, y, nw, nh);
                if (previous is { } p) Line(xml, p.CenterX, p.Bottom, nodeBox.CenterX, nodeBox.Y);
                WriteNode(xml, node, nodeBox, branch);
                previous = nodeBox;
                y += nh + BranchGap;
            }
            xml.WriteEndElement();
            x += w + BranchPad;
        }
    }

    /// <summary>An arrow's path and where its label goes.</summary>
    private sealed record Route(Flow Flow, string Path, string? Label, double LabelX, double LabelY, string Anchor);

    private enum Direction { Loop, Down, Side, Up }

    private static Direction DirectionOf(Flow flow, Box from, Box to) =>
        flow.From == flow.To ? Direction.Loop
        : to.Y >= from.Bottom - 1 ? Direction.Down
        : to.Bottom > from.Y + 1 && to.Y < from.Bottom - 1 ? Direction.Side
        : Direction.Up;

    /// <summary>
    /// Routes every flow between two placed boxes. Downward arrows leave the bottom and enter the top, spread along the
    /// side by where the other end is, so two outcomes of one step do not share a line; flows of one pair share one.
    /// </summary>
    private static List<Route> RouteFlows(ProcessDefinition definition, Dictionary<string, Box> boxes)
    {
        var placed = definition.Flows.Where(f => boxes.ContainsKey(f.From) && boxes.ContainsKey(f.To)).ToList();
        var down = placed.Where(f => DirectionOf(f, boxes[f.From], boxes[f.To]) == Direction.Down).Select(f => (f.From, f.To)).Distinct().ToList();
        // A diamond is met at its corners only.
        var corners = definition.Nodes.OfType<DecisionNode>().Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var exits = Ports(down, p => p.From, p => boxes[p.To].CenterX, boxes, corners);
        var entries = Ports(down, p => p.To, p => boxes[p.From].CenterX, boxes, corners);

        var routes = new List<Route>();
        var seen = new Dictionary<(string, string), int>();
        var backEdges = 0;
        foreach (var flow in placed)
        {
            var (from, to) = (boxes[flow.From], boxes[flow.To]);
            var repeat = seen.TryGetValue((flow.From, flow.To), out var k) ? k : 0;
            seen[(flow.From, flow.To)] = repeat + 1;
            var label = flow.On ?? (flow.Default ? "其他情形" : flow.When is not null ? "满足条件" : null);
            var stack = 14 * repeat;
            switch (DirectionOf(flow, from, to))
            {
                case Direction.Loop:
                {
                    // A loop on the right side (补正 back to the same step).
                    var (r, cy, reach) = (from.Right, from.CenterY, 44.0);
                    routes.Add(new Route(flow, $"M{N(r)},{N(cy - 10)} C{N(r + reach)},{N(cy - 34)} {N(r + reach)},{N(cy + 34)} {N(r)},{N(cy + 10)}",
                        label, r + reach - 6, cy + stack, "start"));
                    break;
                }
                case Direction.Down:
                {
                    var (x0, y0, x3, y3) = (exits[(flow.From, flow.To)], from.Bottom, entries[(flow.From, flow.To)], to.Y);
                    var mid = (y0 + y3) / 2;
                    // The label near the start, where the arrow is still clear of other boxes.
                    var t = Math.Min(0.4, 28 / Math.Max(1, y3 - y0));
                    var (lx, ly) = Cubic((x0, y0), (x0, mid), (x3, mid), (x3, y3), t);
                    var leftwards = x3 < x0 - 1;
                    routes.Add(new Route(flow, $"M{N(x0)},{N(y0)} C{N(x0)},{N(mid)} {N(x3)},{N(mid)} {N(x3)},{N(y3)}",
                        label, lx + (leftwards ? -6 : 6), ly + stack, leftwards ? "end" : "start"));
                    break;
                }
                case Direction.Side:
                {
                    var rightwards = to.CenterX >= from.CenterX;
                    var (x0, x3) = rightwards ? (from.Right, to.X) : (from.X, to.Right);
                    var (y0, y3) = (from.CenterY, to.CenterY);
                    routes.Add(new Route(flow, $"M{N(x0)},{N(y0)} L{N(x3)},{N(y3)}", label, (x0 + x3) / 2, (y0 + y3) / 2 - 9 - stack, "middle"));
                    break;
                }
                default:
                {
                    // Upwards (back to an earlier step): out of the right side, round, and into the target's right side.
                    var bulge = Math.Max(from.Right, to.Right) + 36 + 14 * (backEdges++ % 4);
                    var (x0, y0, x3, y3) = (from.Right, from.CenterY, to.Right, to.CenterY);
                    var (lx, ly) = Cubic((x0, y0), (bulge, y0), (bulge, y3), (x3, y3), 0.5);
                    routes.Add(new Route(flow, $"M{N(x0)},{N(y0)} C{N(bulge)},{N(y0)} {N(bulge)},{N(y3)} {N(x3)},{N(y3)}",
                        label, lx + 4, ly + stack, "start"));
                    break;
                }
            }
        }
        return routes;
    }

    /// <summary>Where each pair's arrow meets the box <paramref name="side"/> names: spread along it, ordered by the other end.</summary>
    private static Dictionary<(string From, string To), double> Ports(List<(string From, string To)> pairs, Func<(string From, string To), string> side,
        Func<(string From, string To), double> otherEnd, Dictionary<string, Box> boxes, HashSet<string> corners)
    {
        var ports = new Dictionary<(string, string), double>();
        foreach (var group in pairs.GroupBy(side))
        {
            var ordered = group.OrderBy(otherEnd).ToList();
            var box = boxes[group.Key];
            var spacing = corners.Contains(group.Key) ? 0 : Math.Min(box.W * 0.6 / Math.Max(1, ordered.Count - 1), 56);
            for (var i = 0; i < ordered.Count; i++)
                ports[ordered[i]] = box.CenterX + (i - (ordered.Count - 1) / 2.0) * spacing;
        }
        return ports;
    }

    private static (double X, double Y) Cubic((double X, double Y) p0, (double X, double Y) p1, (double X, double Y) p2, (double X, double Y) p3, double t)
    {
        var u = 1 - t;
        return (u * u * u * p0.X + 3 * u * u * t * p1.X + 3 * u * t * t * p2.X + t * t * t * p3.X,
            u * u * u * p0.Y + 3 * u * u * t * p1.Y + 3 * u * t * t * p2.Y + t * t * t * p3.Y);
    }

    private static void WriteFlow(XmlWriter xml, Route route)
    {
        xml.WriteStartElement("g", Svg);
        xml.WriteAttributeString("class", "flow");
        xml.WriteAttributeString("data-from", Clean(route.Flow.From));
        xml.WriteAttributeString("data-to", Clean(route.Flow.To));
        if (route.Flow.When is not null) Title(xml, $"条件：{route.Flow.When}");
        xml.WriteStartElement("path", Svg);
        xml.WriteAttributeString("d", route.Path);
        xml.WriteAttributeString("fill", "none");
        xml.WriteAttributeString("stroke", "#555");
        xml.WriteAttributeString("stroke-width", "1.3");
        xml.WriteAttributeString("marker-end", "url(#bpm-arrow)");
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    /// <summary>Outcome labels go above the boxes, haloed, so an arrow passing behind a box still shows what it means.</summary>
    private static void WriteLabel(XmlWriter xml, Route route)
    {
        if (route.Label is null) return;
        xml.WriteStartElement("g", Svg);
        xml.WriteAttributeString("class", "flow-label");
        xml.WriteAttributeString("data-from", Clean(route.Flow.From));
        xml.WriteAttributeString("data-to", Clean(route.Flow.To));
        Text(xml, Fit(route.Label, 120), route.LabelX, route.LabelY, route.Anchor, size: 12, fill: "#bf360c", halo: true);
        xml.WriteEndElement();
    }

    // ---------------- primitives ----------------

    private static void Rect(XmlWriter xml, Box box, double rx, string fill, string stroke, bool dashed = false)
    {
        xml.WriteStartElement("rect", Svg);
        xml.WriteAttributeString("x", N(box.X));
        xml.WriteAttributeString("y", N(box.Y));
        xml.WriteAttributeString("width", N(box.W));
        xml.WriteAttributeString("height", N(box.H));
        xml.WriteAttributeString("rx", N(rx));
        xml.WriteAttributeString("fill", fill);
        xml.WriteAttributeString("stroke", stroke);
        xml.WriteAttributeString("stroke-width", "1.5");
        if (dashed) xml.WriteAttributeString("stroke-dasharray", "6 4");
        xml.WriteEndElement();
    }

    private static void Line(XmlWriter xml, double x1, double y1, double x2, double y2)
    {
        xml.WriteStartElement("line", Svg);
        xml.WriteAttributeString("x1", N(x1));
        xml.WriteAttributeString("y1", N(y1));
        xml.WriteAttributeString("x2", N(x2));
        xml.WriteAttributeString("y2", N(y2));
        xml.WriteAttributeString("stroke", "#555");
        xml.WriteAttributeString("stroke-width", "1.3");
        xml.WriteAttributeString("marker-end", "url(#bpm-arrow)");
        xml.WriteEndElement();
    }

    private static void Title(XmlWriter xml, string text)
    {
        xml.WriteStartElement("title", Svg);
        xml.WriteString(Clean(text));
        xml.WriteEndElement();
    }

    /// <summary>A node's name centred in its box, on at most two lines.</summary>
    private static void Label(XmlWriter xml, string text, double cx, double cy, double maxWidth)
    {
        var lines = Wrap(text, maxWidth);
        var top = cy - (lines.Count - 1) * (FontSize + 3) / 2 + 1;
        xml.WriteStartElement("text", Svg);
        xml.WriteAttributeString("x", N(cx));
        xml.WriteAttributeString("y", N(top));
        xml.WriteAttributeString("text-anchor", "middle");
        xml.WriteAttributeString("dominant-baseline", "middle");
        xml.WriteAttributeString("fill", "#212121");
        for (var i = 0; i < lines.Count; i++)
        {
            xml.WriteStartElement("tspan", Svg);
            xml.WriteAttributeString("x", N(cx));
            if (i > 0) xml.WriteAttributeString("dy", N(FontSize + 3));
            xml.WriteString(Clean(lines[i]));
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
    }

    private static void Text(XmlWriter xml, string text, double x, double y, string anchor, double size = FontSize,
        string fill = "#212121", string? weight = null, bool halo = false)
    {
        xml.WriteStartElement("text", Svg);
        xml.WriteAttributeString("x", N(x));
        xml.WriteAttributeString("y", N(y));
        xml.WriteAttributeString("text-anchor", anchor);
        xml.WriteAttributeString("dominant-baseline", "middle");
        xml.WriteAttributeString("font-size", N(size));
        xml.WriteAttributeString("fill", fill);
        if (weight is not null) xml.WriteAttributeString("font-weight", weight);
        if (halo)
        {
            xml.WriteAttributeString("paint-order", "stroke");
            xml.WriteAttributeString("stroke", "#fff");
            xml.WriteAttributeString("stroke-width", "4");
        }
        xml.WriteString(Clean(text));
        xml.WriteEndElement();
    }

    private static string BlockTitle(ParallelNode block)
    {
        var join = block.Join switch
        {
            JoinMode.All => "全部同意",
            JoinMode.Any => "任一同意",
            JoinMode.NOfM => $"{block.Quorum} 个同意",
            JoinMode.Veto => "一票否决",
            _ => "",
        };
        return $"{block.Name}（并联审批 · {join}）";
    }

    private static string Kind(Node node) => Vocabulary.NodeKinds[node.Kind];

    // ---------------- text ----------------

    /// <summary>Estimated width in pixels: CJK and full-width characters are square, the rest about half as wide.</summary>
    private static double TextWidth(string text, double size = FontSize)
    {
        double width = 0;
        foreach (var c in text) width += c >= 0x2E80 ? size : size * 0.6;
        return width;
    }

    private static List<string> Wrap(string text, double maxWidth)
    {
        if (TextWidth(text) <= maxWidth) return [text];
        var first = new StringBuilder();
        var i = 0;
        for (; i < text.Length && TextWidth(first.ToString() + text[i]) <= maxWidth; i++) first.Append(text[i]);
        return [first.ToString(), Fit(text[i..], maxWidth)];
    }

    private static string Fit(string text, double maxWidth)
    {
        if (TextWidth(text) <= maxWidth) return text;
        var fitted = new StringBuilder();
        foreach (var c in text)
        {
            if (TextWidth(fitted.ToString() + c + "…") > maxWidth) break;
            fitted.Append(c);
        }
        return fitted + "…";
    }

    /// <summary>Drops characters XML cannot carry at all (control characters, lone surrogates); escaping is the writer's.</summary>
    private static string Clean(string text)
    {
        if (text.All(XmlConvert.IsXmlChar)) return text;
        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (XmlConvert.IsXmlChar(text[i])) clean.Append(text[i]);
            else if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i])) clean.Append(text, i++, 2);
        }
        return clean.ToString();
    }

    private static string N(double value) => Math.Round(value, 1).ToString("0.#", CultureInfo.InvariantCulture);
}
