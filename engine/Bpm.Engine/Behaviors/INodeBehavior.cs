using Bpm.Definitions.Model;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;

namespace Bpm.Engine.Behaviors;

/// <summary>What a node does when a token enters it. A new node kind is one class implementing this.</summary>
public interface INodeBehavior
{
    NodeKind Kind { get; }

    /// <summary>Runs the node: finish at once (<see cref="CaseRun.Leave"/>), or leave the token waiting for a person, timer or join.</summary>
    void Enter(CaseRun run, Token token, Node node);
}
