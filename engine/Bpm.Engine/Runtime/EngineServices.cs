using System.Collections.Frozen;
using Bpm.Definitions.Model;
using Bpm.Engine.Behaviors;
using Bpm.Engine.Discretion;
using Bpm.Engine.Time;

namespace Bpm.Engine.Runtime;

/// <summary>The stateless parts every case run shares.</summary>
public sealed class EngineServices
{
    public EngineServices(ConditionLimits limits, LegalTime? time = null, IEnumerable<INodeBehavior>? behaviors = null)
    {
        Time = time;
        Conditions = new ConditionEvaluator(limits);
        Router = new FlowRouter(Conditions);
        Discretion = new DiscretionAssessor(Conditions);
        Behaviors = (behaviors ?? DefaultBehaviors()).ToFrozenDictionary(b => b.Kind);
        var missing = Enum.GetValues<NodeKind>().Where(k => !Behaviors.ContainsKey(k)).ToList();
        if (missing.Count > 0) throw new ArgumentException($"no behaviour for node kinds: {string.Join(", ", missing)}", nameof(behaviors));
    }

    /// <summary>The sandboxed evaluator of conditions and discretion selectors.</summary>
    public ConditionEvaluator Conditions { get; }
    public FlowRouter Router { get; }
    /// <summary>Applies a definition's 裁量基准 to a case's facts (what <c>POST /api/discretion/assess</c> calls).</summary>
    public DiscretionAssessor Discretion { get; }
    /// <summary>The working-day calendar and supervision policy; null turns the legal clocks off.</summary>
    public LegalTime? Time { get; }
    public DocumentRenderer Documents { get; } = new();
    public FrozenDictionary<NodeKind, INodeBehavior> Behaviors { get; }

    public static IEnumerable<INodeBehavior> DefaultBehaviors() =>
    [
        new StartBehavior(), new TaskBehavior(), new DecisionBehavior(), new ParallelBehavior(),
        new WaitBehavior(), new ServiceBehavior(), new EndBehavior(),
    ];
}
