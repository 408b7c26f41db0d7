using Bpm.Definitions;
using Bpm.Engine;
using Microsoft.Extensions.Logging;

namespace Bpm.Server.Hosting;

/// <summary>What start-up publishing did with one catalog file.</summary>
public sealed record CatalogEntry(string File, string? PowerCode, int? Version, bool Created, string? Error);

/// <summary>
/// Publishes the catalog folder (process-definitions/) at start-up. Publishing is idempotent (an unchanged definition
/// keeps its version), so every start re-runs it; an invalid file is reported and skipped, never half-published.
/// </summary>
public sealed class CatalogPublisher(CaseEngine engine, ILogger<CatalogPublisher> log)
{
    public IReadOnlyList<CatalogEntry> Published { get; private set; } = [];
    public bool Done { get; private set; }

    public async Task PublishFolderAsync(string folder, CancellationToken cancellationToken)
    {
        var entries = new List<CatalogEntry>();
        foreach (var (file, _) in Cli.DefinitionFiles.InFolder(folder))
        {
            var format = DefinitionCompiler.FormatOf(file)!.Value;
            var name = Path.GetFileName(file);
            try
            {
                var text = await File.ReadAllTextAsync(file, cancellationToken);
                var result = await engine.Definitions.PublishAsync(text, format, "catalog", cancellationToken);
                entries.Add(new CatalogEntry(name, result.PowerCode, result.Version, result.Created, null));
                if (result.Created) log.LogInformation("published {Power} v{Version} from {File}", result.PowerCode, result.Version, name);
            }
            catch (DefinitionRejectedException e)
            {
                var first = e.Diagnostics.First(d => d.IsError);
                entries.Add(new CatalogEntry(name, null, null, false, first.Format(name)));
                log.LogError("catalog file {File} not published: {Error} ({Count} error(s))", name, first.Format(name), e.Diagnostics.Count(d => d.IsError));
            }
        }
        Published = entries;
        Done = true;
        log.LogInformation("catalog: {Count} power(s) published from {Folder}", entries.Count(e => e.Error is null), folder);
    }
}
