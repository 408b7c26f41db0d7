using System.Globalization;
using System.Text.Json;
using Bpm.Definitions;
using Bpm.Definitions.Diagnostics;
using Bpm.Definitions.Model;
using Bpm.Definitions.Writing;
using Bpm.Engine.Ports;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;

namespace Bpm.Engine;

/// <summary>The definition did not compile; nothing was stored.</summary>
public sealed class DefinitionRejectedException(IReadOnlyList<Diagnostic> diagnostics)
    : EngineException($"the definition has {diagnostics.Count(d => d.IsError)} error(s): " + string.Join("; ", diagnostics.Where(d => d.IsError).Take(5).Select(d => d.Format("definition"))))
{
    public IReadOnlyList<Diagnostic> Diagnostics { get; } = diagnostics;
    public override string Reason => "definition-invalid";
}

/// <summary>What publishing did: a new version, or the existing one when nothing that matters changed.</summary>
/// <summary>A saved draft, its compilation, and the version now published for its power (null: a new power).</summary>
public sealed record DraftResult(DefinitionDraft Draft, CompileResult Compiled, DefinitionVersion? Published);

public sealed record PublishResult(string PowerCode, int Version, Guid DefinitionVersionId, string ContentHash, DefinitionState State, bool Created, IReadOnlyList<Diagnostic> Warnings);

/// <summary>
/// Publishes definitions as immutable numbered versions per power code and moves them through their lifecycle:
/// published ⇄ suspended (挂起: no new cases), then abolished (废止, final). Running cases stay on their version.
/// </summary>
public sealed class DefinitionPublisher(IEngineStore store, DefinitionLibrary library, TimeProvider time)
{
    private const int MaxAttempts = 5;

    public Task<PublishResult> PublishAsync(string text, DefinitionFormat format, string publishedBy, CancellationToken cancellationToken = default) =>
        PublishAsync(text, format, publishedBy, draftId: null, cancellationToken);

    /// <summary>Publishes, and marks the draft it came from (if any) in the same transaction.</summary>
    private async Task<PublishResult> PublishAsync(string text, DefinitionFormat format, string publishedBy, Guid? draftId, CancellationToken cancellationToken)
    {
        var compiled = DefinitionCompiler.Compile(text, format);
        if (!compiled.Succeeded) throw new DefinitionRejectedException(compiled.Diagnostics);
        var definition = compiled.Definition!;
        var hash = ContentHash.Of(definition);
        var layout = LayoutJson(definition.Layout);
        for (var attempt = 1; ; attempt++)
        {
            await using var session = await store.OpenAsync(cancellationToken);
            var latest = await session.FindLatestDefinitionAsync(definition.Power.Code, cancellationToken);
            var warnings = compiled.Diagnostics.Where(d => !d.IsError).ToList();
            var now = CaseEngine.Truncate(time.GetUtcNow().UtcDateTime);
            var draft = draftId is { } id ? await session.FindDraftAsync(id, cancellationToken) : null;
            if (latest is not null && latest.ContentHash == hash)
            {
                // Same meaning: no new version. A new layout is presentation only, so it may replace the old one.
                var changed = latest.Layout != layout || latest.Subject != definition.Power.Subject;
                latest.Layout = layout;
                latest.Subject = definition.Power.Subject;
                if (MarkPublished(draft, latest.Version, now) || changed) await session.SaveAsync(cancellationToken);
                return new PublishResult(latest.PowerCode, latest.Version, latest.Id, hash, latest.State, false, warnings);
            }
            var version = new DefinitionVersion
            {
                Id = Guid.CreateVersion7(), PowerCode = definition.Power.Code, PowerName = definition.Power.Name,
                Category = Vocabulary.Categories[definition.Power.Category], Subject = definition.Power.Subject, Version = (latest?.Version ?? 0) + 1, ContentHash = hash,
                State = DefinitionState.Published, Definition = DefinitionWriter.ToJson(definition, indented: false, includeLayout: false),
                Layout = layout, PublishedAt = now, PublishedBy = publishedBy, StateChangedAt = now,
            };
            session.Add(version);
            MarkPublished(draft, version.Version, now);
            try
            {
                await session.SaveAsync(cancellationToken);
            }
            catch (ConcurrencyConflictException) when (attempt < MaxAttempts)
            {
                continue; // another publisher took this version number; number again
            }
            library.Get(version);
            return new PublishResult(version.PowerCode, version.Version, version.Id, hash, version.State, true, warnings);
        }
    }

    /// <summary>
    /// Keeps an uploaded text as a draft with its validation summary. A text that cannot be read as a complete
    /// definition (syntax, missing or mistyped fields) is refused; one whose meaning has errors is kept, since drafts
    /// are work in progress, and refused only when published.
    /// </summary>
    public async Task<DraftResult> SaveDraftAsync(string text, DefinitionFormat format, string createdBy, CancellationToken cancellationToken = default)
    {
        var compiled = DefinitionCompiler.Compile(text, format);
        var power = compiled.Definition?.Power ?? throw new DefinitionRejectedException(compiled.Diagnostics);
        var draft = new DefinitionDraft
        {
            Id = Guid.CreateVersion7(), PowerCode = power.Code, Subject = power.Subject,
            Format = format == DefinitionFormat.Json ? "json" : "yaml", Text = text,
            Errors = compiled.ErrorCount, Warnings = compiled.WarningCount, CreatedBy = createdBy,
            CreatedAt = CaseEngine.Truncate(time.GetUtcNow().UtcDateTime),
        };
        await using var session = await store.OpenAsync(cancellationToken);
        var published = await session.FindLatestDefinitionAsync(draft.PowerCode, cancellationToken);
        session.Add(draft);
        await session.SaveAsync(cancellationToken);
        return new DraftResult(draft, compiled, published);
    }

    /// <summary>Publishes a saved draft (see <see cref="PublishAsync"/>) and records the version it became.</summary>
    public async Task<PublishResult> PublishDraftAsync(Guid draftId, string publishedBy, CancellationToken cancellationToken = default)
    {
        var draft = await FindDraftAsync(draftId, cancellationToken);
        return await PublishAsync(draft.Text, draft.Format == "json" ? DefinitionFormat.Json : DefinitionFormat.Yaml, publishedBy, draftId, cancellationToken);
    }

    /// <summary>Records the version a draft became (the first time it is published); false when there is nothing to record.</summary>
    private static bool MarkPublished(DefinitionDraft? draft, int version, DateTime now)
    {
        if (draft is null || draft.PublishedVersion is not null) return false;
        draft.PublishedVersion = version;
        draft.PublishedAt = now;
        return true;
    }

    public async Task<DefinitionDraft> FindDraftAsync(Guid draftId, CancellationToken cancellationToken = default)
    {
        await using var session = await store.OpenAsync(cancellationToken);
        return await session.FindDraftAsync(draftId, cancellationToken)
            ?? throw new NotFoundException("draft", $"draft {draftId} does not exist");
    }

    public Task<DefinitionVersion> SuspendAsync(string powerCode, int version, CancellationToken cancellationToken = default) =>
        MoveAsync(powerCode, version, DefinitionState.Suspended, cancellationToken);

    public Task<DefinitionVersion> ResumeAsync(string powerCode, int version, CancellationToken cancellationToken = default) =>
        MoveAsync(powerCode, version, DefinitionState.Published, cancellationToken);

    public Task<DefinitionVersion> AbolishAsync(string powerCode, int version, CancellationToken cancellationToken = default) =>
        MoveAsync(powerCode, version, DefinitionState.Abolished, cancellationToken);

    private async Task<DefinitionVersion> MoveAsync(string powerCode, int number, DefinitionState to, CancellationToken cancellationToken)
    {
        await using var session = await store.OpenAsync(cancellationToken);
        var version = await session.FindDefinitionAsync(powerCode, number, cancellationToken)
            ?? throw new NotFoundException("definition", $"power {powerCode} has no version {number}");
        if (version.State == to) return version;
        if (version.State == DefinitionState.Abolished)
            throw new StateConflictException("definition-abolished", $"{powerCode} v{number} is abolished (废止); that is final — publish a new version instead");
        version.State = to;
        version.StateChangedAt = CaseEngine.Truncate(time.GetUtcNow().UtcDateTime);
        await session.SaveAsync(cancellationToken);
        return version;
    }

    private static string LayoutJson(IReadOnlyList<NodePosition> layout)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var position in layout)
            {
                writer.WritePropertyName(position.NodeId);
                writer.WriteStartObject();
                writer.WriteNumber("x", position.X);
                writer.WriteNumber("y", position.Y);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
