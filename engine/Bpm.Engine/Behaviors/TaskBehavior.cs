using Bpm.Definitions.Model;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;

namespace Bpm.Engine.Behaviors;

/// <summary>A human step: a work item in the department's inbox; the token waits for its completion.</summary>
public sealed class TaskBehavior : INodeBehavior
{
    public NodeKind Kind => NodeKind.Task;

    public void Enter(CaseRun run, Token token, Node node)
    {
        var task = (TaskNode)node;
        run.OpenVisit(token, node.Id, Kind, task.Department);
        var item = run.OpenWorkItem(token, task.Id, task.Name, task.Department, task.Role);
        run.Journal("work-item-opened", node.Id, new { workItem = item.Id, department = item.Department, role = item.Role });
    }
}
