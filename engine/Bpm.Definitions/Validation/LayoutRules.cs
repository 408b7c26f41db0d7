using Bpm.Definitions.Diagnostics;

namespace Bpm.Definitions.Validation;

/// <summary>Layout is not semantics, but a stale position is worth a warning.</summary>
public sealed class LayoutRules : IDefinitionRule
{
    public void Check(ValidationContext context)
    {
        foreach (var position in context.Definition.Layout)
            if (!context.NodesById.ContainsKey(position.NodeId))
                context.Report(Codes.LayoutForUnknownNode, $"layout has a position for '{position.NodeId}', which is not a node; remove it", $"/layout/{position.NodeId.Replace("~", "~0").Replace("/", "~1")}");
    }
}
