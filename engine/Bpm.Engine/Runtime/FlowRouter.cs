using Bpm.Definitions.Model;

namespace Bpm.Engine.Runtime;

/// <summary>
/// Chooses the one flow a token takes out of a top-level node, in the order the validator reasons about them:
/// flows on this outcome (conditional ones first), then conditional flows, then the unconditional flow, then the default.
/// </summary>
public sealed class FlowRouter(ConditionEvaluator conditions)
{
    /// <exception cref="ConditionFailedException">A condition threw, looped or timed out.</exception>
    /// <exception cref="NoRouteException">No flow applies.</exception>
    public Flow Choose(ProcessModel model, Node node, string? outcome, string dataJson)
    {
        var flows = model.Outgoing(node.Id);
        if (outcome is not null)
        {
            foreach (var flow in flows)
                if (flow.On == outcome && flow.When is { } when && conditions.Evaluate(when, dataJson)) return flow;
            foreach (var flow in flows)
                if (flow.On == outcome && flow.When is null) return flow;
        }
        foreach (var flow in flows)
            if (flow.On is null && flow.When is { } when && conditions.Evaluate(when, dataJson)) return flow;
        foreach (var flow in flows)
            if (flow.On is null && flow.When is null && !flow.Default) return flow;
        foreach (var flow in flows)
            if (flow.Default) return flow;
        throw new NoRouteException($"no flow leaves '{node.Id}'{(outcome is null ? "" : $" on outcome '{outcome}'")} whose condition holds");
    }
}

/// <summary>No flow leaves a node for this outcome and data: the token cannot move on (an incident).</summary>
public sealed class NoRouteException(string message) : Exception(message);
