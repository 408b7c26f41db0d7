using System.Collections.Concurrent;
using Bpm.Definitions;
using Bpm.Engine.Ports;
using Bpm.Engine.State;

namespace Bpm.Engine.Runtime;

/// <summary>
/// Published versions as runnable models. A version never changes once stored, so a model read once serves
/// every later command on it (this is a cache of immutable data, not case state).
/// </summary>
public sealed class DefinitionLibrary
{
    private readonly ConcurrentDictionary<Guid, ProcessModel> _models = new();

    public async Task<ProcessModel> GetAsync(IEngineSession session, Guid definitionVersionId, CancellationToken cancellationToken)
    {
        if (_models.TryGetValue(definitionVersionId, out var model)) return model;
        var version = await session.FindDefinitionAsync(definitionVersionId, cancellationToken)
            ?? throw new NotFoundException("definition", $"definition version {definitionVersionId} does not exist");
        return Get(version);
    }

    public ProcessModel Get(DefinitionVersion version) => _models.GetOrAdd(version.Id, _ =>
    {
        var compiled = DefinitionCompiler.Compile(version.Definition, DefinitionFormat.Json);
        if (compiled.Definition is null || !compiled.Succeeded)
            throw new InvalidOperationException(
                $"stored definition {version.PowerCode} v{version.Version} no longer compiles: {string.Join("; ", compiled.Diagnostics.Where(d => d.IsError).Select(d => d.Message))}");
        return new ProcessModel(version, compiled.Definition);
    });
}
