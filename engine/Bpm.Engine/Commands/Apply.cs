using System.Text.Json.Nodes;
using Bpm.Engine.Ports;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;

namespace Bpm.Engine.Commands;

/// <summary>申请: starts a case on the newest version of a power (or a named one), which must be published.</summary>
public sealed record Apply(string PowerCode, Actor Applicant, JsonObject Data) : CaseCommand(Applicant)
{
    /// <summary>Apply on this version instead of the newest.</summary>
    public int? Version { get; init; }

    public override string Name => "apply";

    internal override async Task<CaseRun> OpenAsync(CommandScope scope, CancellationToken cancellationToken)
    {
        var version = Version is { } v
            ? await scope.Session.FindDefinitionAsync(PowerCode, v, cancellationToken)
            : await scope.Session.FindLatestDefinitionAsync(PowerCode, cancellationToken);
        if (version is null)
            throw new NotFoundException("power", Version is null ? $"no version of power {PowerCode} is published" : $"power {PowerCode} has no version {Version}");
        if (version.State != DefinitionState.Published)
            throw new StateConflictException("definition-" + version.State.ToString().ToLowerInvariant(),
                $"{version.PowerCode} v{version.Version} is {(version.State == DefinitionState.Suspended ? "suspended (挂起)" : "abolished (废止)")}: it takes no new cases");
        var model = scope.Library.Get(version);
        var @case = new Case
        {
            Id = Guid.CreateVersion7(), DefinitionVersionId = version.Id, PowerCode = version.PowerCode, Version = version.Version,
            Status = CaseStatus.Running, ApplicantId = Applicant.Id, ApplicantName = Applicant.Name ?? Applicant.Id,
            Data = Data.ToJsonString(), AppliedAt = scope.Now, Revision = 1,
        };
        scope.Session.Add(@case);
        return new CaseRun(scope.Services, scope.Session, model, CaseSnapshot.New(@case), Actor, scope.Now) { IsNew = true };
    }

    internal override Task ExecuteAsync(CaseRun run, CancellationToken cancellationToken)
    {
        run.Journal("applied", run.Model.Start.Id, new { power = run.Case.PowerCode, version = run.Case.Version, applicant = run.Case.ApplicantName, data = Data });
        run.Clock.Applied();
        run.Enter(run.NewToken(null, null), run.Model.Start);
        return Task.CompletedTask;
    }
}
