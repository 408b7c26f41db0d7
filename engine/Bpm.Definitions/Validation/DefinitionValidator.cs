using Bpm.Definitions.Diagnostics;
using Bpm.Definitions.Model;
using Bpm.Definitions.Reading;

namespace Bpm.Definitions.Validation;

/// <summary>Runs every semantic rule over a bound definition.</summary>
public static class DefinitionValidator
{
    private static readonly IDefinitionRule[] Rules =
    [
        new PowerRules(), new TimeLimitRules(), new EscalationRules(), new GraphRules(), new JointReviewRules(),
        new SpecialProcedureRules(), new DiscretionRules(), new TemplateRules(), new LayoutRules(),
    ];

    public static IReadOnlyList<Diagnostic> Validate(ProcessDefinition definition, SourceMap? map = null)
    {
        var context = new ValidationContext(definition, map);
        foreach (var rule in Rules) rule.Check(context);
        return context.Diagnostics;
    }
}
