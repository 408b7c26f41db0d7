using System.Text.RegularExpressions;
using Bpm.Definitions.Diagnostics;
using Bpm.Definitions.Model;

namespace Bpm.Definitions.Validation;

/// <summary>The power's identity: its 基本编码, category, legal basis and public guide.</summary>
public sealed partial class PowerRules : IDefinitionRule
{
    public void Check(ValidationContext context)
    {
        var power = context.Definition.Power;
        if (!CodePattern().IsMatch(power.Code))
        {
            context.Report(Codes.BadPowerCode,
                $"power code '{power.Code}' is not a 基本编码: write two capital letters for the type and 8 digits (5 for 主项, 3 for 子项), e.g. XK00211001",
                "/power/code");
        }
        else
        {
            var (gbCode, prefix) = Vocabulary.Codes(power.Category);
            if (!power.Code.StartsWith(prefix, StringComparison.Ordinal))
                context.Report(Codes.CodePrefixMismatch,
                    $"a {Vocabulary.Categories[power.Category]} (事项类型 {gbCode}) code usually starts with '{prefix}', but '{power.Code}' does not",
                    "/power/code");
        }
        if (power.Basis.Count == 0)
            context.Report(Codes.NoLegalBasis, "list at least one legal basis (law and articles) under power.basis: a power exists only by law", "/power/basis");
        if (power.Guide is null)
            context.Report(Codes.NoPublicGuide,
                "add power.guide (conditions, materials, result, location, contact, complaint) so the public catalog can show the 八公开 facts",
                "/power");
    }

    [GeneratedRegex("^[A-Z]{2}[0-9]{8}$")]
    private static partial Regex CodePattern();
}
