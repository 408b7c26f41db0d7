using System.Text.Json;
using Bpm.Engine.Commands;
using Bpm.Engine.Journal;
using Bpm.Engine.Ports;
using Bpm.Engine.Runtime;
using Bpm.Engine.State;
using Bpm.Engine.Time;

namespace Bpm.Engine;

public sealed record EngineOptions
{
    /// <summary>How often a command is re-run when another command changed its case first.</summary>
    public int MaxAttempts { get; init; } = 8;
    public ConditionLimits Conditions { get; init; } = new();
    /// <summary>The working-day calendar the legal clocks run on; without one, no due times, lights or timers.</summary>
    public WorkCalendar? Calendar { get; init; }
    public SupervisionPolicy Supervision { get; init; } = new();
}

/// <summary>
/// The one executor of engine commands. Each command runs in its own unit of work: load, decide, change, save,
/// all or nothing. A concurrency conflict re-runs the command on fresh state (so two branches finishing at once
/// both succeed and the join fires once); a command that is no longer valid after that fails with a clear reason.
/// Holds no case state between commands: a new instance over the same store carries on where another stopped.
/// </summary>
public sealed class CaseEngine
{
    private readonly IEngineStore _store;
    private readonly TimeProvider _time;
    private readonly EngineOptions _options;

    public CaseEngine(IEngineStore store, TimeProvider? time = null, EngineOptions? options = null)
    {
        _store = store;
        _time = time ?? TimeProvider.System;
        _options = options ?? new EngineOptions();
        Services = new EngineServices(_options.Conditions, _options.Calendar is { } calendar ? new LegalTime(calendar, _options.Supervision) : null);
        Definitions = new DefinitionPublisher(store, Library, _time);
    }

    private long _retries;

    public EngineServices Services { get; }

    /// <summary>How many times a command was re-run after a concurrency conflict, since this engine was made.</summary>
    public long Retries => Interlocked.Read(ref _retries);
    public DefinitionLibrary Library { get; } = new();
    public DefinitionPublisher Definitions { get; }

    /// <summary>The engine's notion of now: UTC, whole milliseconds (what both databases keep exactly).</summary>
    public DateTime Now() => Truncate(_time.GetUtcNow().UtcDateTime);

    public static DateTime Truncate(DateTime utc) => new(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);

    public async Task<CommandResult> ExecuteAsync(CaseCommand command, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RunOnceAsync(command, cancellationToken);
            }
            catch (Exception e) when (e is ConcurrencyConflictException or DuplicateReceiptException && attempt < _options.MaxAttempts)
            {
                Interlocked.Increment(ref _retries);
                // Someone else moved the case on; back off a little (with jitter so racers spread out) and decide again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 4 * attempt)), cancellationToken); // real time: this is about contention, not legal time
            }
            catch (ConcurrencyConflictException e)
            {
                throw new StateConflictException("busy", $"the case kept changing while '{command.Name}' ran ({_options.MaxAttempts} attempts); reload and retry. {e.Message}");
            }
        }
    }

    private async Task<CommandResult> RunOnceAsync(CaseCommand command, CancellationToken cancellationToken)
    {
        await using var session = await _store.OpenAsync(cancellationToken);
        if (command.IdempotencyKey is { } key && await session.FindReceiptAsync(key, cancellationToken) is { } receipt)
            return JsonSerializer.Deserialize<CommandResult>(receipt.Result, JournalChain.PayloadJson)!;

        var scope = new CommandScope(session, Library, Services, Now());
        var run = await command.OpenAsync(scope, cancellationToken);
        try
        {
            await command.ExecuteAsync(run, cancellationToken);
            run.Drain();
        }
        catch (CalendarRangeException e)
        {
            // A due date beyond the loaded years: refuse rather than guess; loading next year's table fixes it.
            throw new CommandRejectedException("calendar-missing", e.Message);
        }
        await run.Clock.SettleAsync(cancellationToken);
        if (!run.IsNew) run.Case.Revision++;
        var result = CommandResult.Of(run);
        if (command.IdempotencyKey is { } newKey)
            session.Add(new CommandReceipt
            {
                Key = newKey, CaseId = run.Case.Id, Command = command.Name, CreatedAt = scope.Now,
                Result = JsonSerializer.Serialize(result, JournalChain.PayloadJson),
            });
        await session.SaveAsync(cancellationToken);
        if (run.Refusal is { } refusal) throw refusal;
        return result;
    }

    /// <summary>Walks a case's journal chain and reports the first entry that was altered or removed.</summary>
    public async Task<JournalVerification> VerifyJournalAsync(Guid caseId, CancellationToken cancellationToken = default)
    {
        await using var session = await _store.OpenAsync(cancellationToken);
        var snapshot = await session.LoadCaseAsync(caseId, cancellationToken) ?? throw new NotFoundException("case", $"case {caseId} does not exist");
        var entries = await session.LoadJournalAsync(caseId, cancellationToken);
        return JournalChain.Verify(snapshot.Case, entries);
    }
}
