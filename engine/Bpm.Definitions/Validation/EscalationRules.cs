using Bpm.Definitions.Diagnostics;
using Bpm.Definitions.Model;

namespace Bpm.Definitions.Validation;

/// <summary>
/// The escalations of the <c>supervision</c> section: what a fired timer does (预警, notice, 督办, points).
/// Its durations and the case warning threshold are checked with the other time limits in <see cref="TimeLimitRules"/>.
/// </summary>
public sealed class EscalationRules : IDefinitionRule
{
    public void Check(ValidationContext context)
    {
        if (context.Definition.Supervision is not { } supervision) return;
        var first = new Dictionary<EscalationEvent, int>();
        for (var i = 0; i < supervision.Escalations.Count; i++)
        {
            var escalation = supervision.Escalations[i];
            var path = $"/supervision/escalations/{i}";
            var word = Vocabulary.EscalationEvents[escalation.On];
            if (!first.TryAdd(escalation.On, i))
                context.Report(Codes.DuplicateEscalation,
                    $"'{word}' already has an escalation (entry {first[escalation.On] + 1} of supervision.escalations); an event has one, so merge the two",
                    path + "/on");
            if (escalation.AnswerWithin is { } answer && !escalation.Supervise)
                context.Report(Codes.AnswerWithoutSupervise,
                    $"'answerWithin: {answer}' is the answer deadline of a 督办, but the '{word}' escalation opens none; add 'supervise: true' or remove 'answerWithin'",
                    path + "/answerWithin");
            if (escalation.Points < 0)
                context.Report(Codes.NegativePoints,
                    $"penalty points cannot be negative ({escalation.Points}); leave 'points' out (or write 0) to add none",
                    path + "/points");
        }
    }
}
