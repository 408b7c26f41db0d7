using Bpm.Definitions.Diagnostics;
using Bpm.Definitions.Model;

namespace Bpm.Definitions.Validation;

/// <summary>特别程序 (domain.md §2, rules 8–10).</summary>
public sealed class SpecialProcedureRules : IDefinitionRule
{
    public void Check(ValidationContext context)
    {
        var procedures = context.Definition.SpecialProcedures;
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < procedures.Count; i++)
        {
            var procedure = procedures[i];
            var path = $"/specialProcedures/{i}";
            if (procedure.Kind is "延长审批" or "延期" or "延长")
            {
                context.Report(Codes.ExtensionAsProcedure,
                    "延长审批 lengthens the due date rather than stopping the clock (GB/T 39046 种类 1); declare it as limits.extension {max, approver}", path + "/kind");
                continue;
            }
            if (!kinds.Add(procedure.Kind))
                context.Report(Codes.DuplicateProcedure, $"special procedure '{procedure.Kind}' is listed twice; merge the entries", path + "/kind");
            if (!Vocabulary.SpecialProcedureKindList.Contains(procedure.Kind))
                context.Report(Codes.UnknownProcedure,
                    $"'{procedure.Kind}' is not a special procedure the law names ({string.Join("、", Vocabulary.SpecialProcedureKindList)}); keep it only if a local rule provides it, and cite that rule in 'ref'",
                    path + "/kind");
            if (procedure.Effect == ProcedureEffect.StopClock && procedure.Budget is null)
                context.Report(Codes.ProcedureWithoutBudget,
                    $"'{procedure.Kind}' stops the clock but has no 'budget'; give it its own time limit so an overlong suspension turns red", path);
            for (var n = 0; n < procedure.Nodes.Count; n++)
            {
                var id = procedure.Nodes[n];
                if (!context.NodesById.TryGetValue(id, out var node))
                    context.Report(Codes.MissingNode, $"special procedure '{procedure.Kind}' names node '{id}', which does not exist", $"{path}/nodes/{n}");
                else if (node.Node is not TaskNode)
                    context.Report(Codes.ProcedureOnUnknownNode,
                        $"special procedures are started from a handler's task, but '{id}' is {GraphRules.Kind(node.Node)}", $"{path}/nodes/{n}", id);
            }
        }
    }
}
