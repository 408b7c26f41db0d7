namespace Bpm.Engine.Runtime;

/// <summary>A command the engine refuses. Nothing of it is written.</summary>
public abstract class EngineException(string message) : Exception(message)
{
    /// <summary>A stable, machine-readable reason, e.g. "work-item-not-open".</summary>
    public abstract string Reason { get; }
}

/// <summary>The case, work item or definition does not exist.</summary>
public sealed class NotFoundException(string what, string message) : EngineException(message)
{
    public override string Reason => what + "-not-found";
}

/// <summary>The command is malformed or asks for something the definition does not allow.</summary>
public sealed class CommandRejectedException(string reason, string message) : EngineException(message)
{
    public override string Reason { get; } = reason;
}

/// <summary>
/// The case is not in a state that allows the command (already completed, claimed by someone else, decided …),
/// or it kept changing under a command that was retried. Retrying after reloading may succeed.
/// </summary>
public sealed class StateConflictException(string reason, string message) : EngineException(message)
{
    public override string Reason { get; } = reason;
}

/// <summary>The actor may not do this to this work item or case.</summary>
public sealed class ForbiddenException(string reason, string message) : EngineException(message)
{
    public override string Reason { get; } = reason;
}
