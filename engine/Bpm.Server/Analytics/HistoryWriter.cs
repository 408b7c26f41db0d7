using System.Data.Common;
using Bpm.Engine.State;
using Bpm.Storage;
using Bpm.Storage.Supervision;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Bpm.Server.Analytics;

/// <summary>
/// Writes generated history and its rollups. PostgreSQL: binary COPY on two connections (cases and visits stream side
/// by side); SQLite: prepared inserts in one transaction. The rollups are summed in memory in a <see cref="RollupTally"/>,
/// with the <see cref="TimingResolution"/> rules folding the rollup feed uses, and written at the end.
/// </summary>
internal sealed class HistoryWriter
{
    private readonly RollupTally _rollups = new();

    public long Cases { get; private set; }
    public long Visits { get; private set; }

    public async Task WriteAsync(EngineStore store, string connectionString, IEnumerable<GeneratedCase> cases,
        IReadOnlyDictionary<Guid, (string Subject, bool Instant)> definitions, Action<long>? progress, CancellationToken ct)
    {
        if (store.Provider == StorageProvider.Postgres) await CopyAsync(connectionString, cases, definitions, progress, ct);
        else await InsertAsync(connectionString, cases, definitions, progress, ct);
    }

    private void Count(GeneratedCase generated, IReadOnlyDictionary<Guid, (string Subject, bool Instant)> definitions)
    {
        Cases++;
        Visits += generated.Visits.Count;
        var outcome = TimingResolution.OutcomeOf(generated.Case);
        foreach (var visit in generated.Visits.Where(TimingResolution.Counts)) _rollups.Add(TimingResolution.Of(visit, outcome));
        if (generated.Case.IsOver)
        {
            var (subject, instant) = definitions[generated.Case.DefinitionVersionId];
            _rollups.Add(TimingResolution.Of(generated.Case, subject, instant));
        }
    }

    public int TimingRows => _rollups.HistogramCount;

    // ---- PostgreSQL -------------------------------------------------------------------------------------------------

    private const string CaseColumns = "id, definition_version_id, power_code, version, status, result, applicant_id, applicant_name, data, applied_at, " +
        "ended_at, revision, journal_length, journal_head, open_incidents, accepted_at, decided_at, promised_due, legal_due, light, suspended_since, " +
        "suspended_ms, working_ms, extensions";

    private const string VisitColumns = "id, case_id, token_id, definition_version_id, power_code, version, node_id, node_kind, department, handler, " +
        "entered_at, left_at, outcome, due_at, light, suspended_ms, working_ms";

    private async Task CopyAsync(string connectionString, IEnumerable<GeneratedCase> cases,
        IReadOnlyDictionary<Guid, (string Subject, bool Instant)> definitions, Action<long>? progress, CancellationToken ct)
    {
        await using var caseConnection = new NpgsqlConnection(connectionString);
        await using var visitConnection = new NpgsqlConnection(connectionString);
        await caseConnection.OpenAsync(ct);
        await visitConnection.OpenAsync(ct);
        await using (var caseCopy = await caseConnection.BeginBinaryImportAsync($"COPY cases ({CaseColumns}) FROM STDIN (FORMAT BINARY)", ct))
        await using (var visitCopy = await visitConnection.BeginBinaryImportAsync($"COPY node_visits ({VisitColumns}) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var generated in cases)
            {
                var c = generated.Case;
                await caseCopy.StartRowAsync(ct);
                await caseCopy.WriteAsync(c.Id, NpgsqlDbType.Uuid, ct);
                await caseCopy.WriteAsync(c.DefinitionVersionId, NpgsqlDbType.Uuid, ct);
                await caseCopy.WriteAsync(c.PowerCode, NpgsqlDbType.Varchar, ct);
                await caseCopy.WriteAsync(c.Version, NpgsqlDbType.Integer, ct);
                await caseCopy.WriteAsync(c.Status.ToString(), NpgsqlDbType.Varchar, ct);
                await Nullable(caseCopy, c.Result, NpgsqlDbType.Varchar, ct);
                await caseCopy.WriteAsync(c.ApplicantId, NpgsqlDbType.Varchar, ct);
                await caseCopy.WriteAsync(c.ApplicantName, NpgsqlDbType.Varchar, ct);
                await caseCopy.WriteAsync(c.Data, NpgsqlDbType.Text, ct);
                await caseCopy.WriteAsync(c.AppliedAt, NpgsqlDbType.TimestampTz, ct);
                await Nullable(caseCopy, c.EndedAt, NpgsqlDbType.TimestampTz, ct);
                await caseCopy.WriteAsync(c.Revision, NpgsqlDbType.Bigint, ct);
                await caseCopy.WriteAsync(c.JournalLength, NpgsqlDbType.Integer, ct);
                await caseCopy.WriteAsync(c.JournalHead, NpgsqlDbType.Varchar, ct);
                await caseCopy.WriteAsync(c.OpenIncidents, NpgsqlDbType.Integer, ct);
                await Nullable(caseCopy, c.AcceptedAt, NpgsqlDbType.TimestampTz, ct);
                await Nullable(caseCopy, c.DecidedAt, NpgsqlDbType.TimestampTz, ct);
                await Nullable(caseCopy, c.PromisedDue, NpgsqlDbType.TimestampTz, ct);
                await Nullable(caseCopy, c.LegalDue, NpgsqlDbType.TimestampTz, ct);
                await caseCopy.WriteAsync(c.Light.ToString(), NpgsqlDbType.Varchar, ct);
                await Nullable(caseCopy, c.SuspendedSince, NpgsqlDbType.TimestampTz, ct);
                await caseCopy.WriteAsync(c.SuspendedMs, NpgsqlDbType.Bigint, ct);
                await Nullable(caseCopy, c.WorkingMs, NpgsqlDbType.Bigint, ct);
                await caseCopy.WriteAsync(c.Extensions, NpgsqlDbType.Integer, ct);
                foreach (var v in generated.Visits)
                {
                    await visitCopy.StartRowAsync(ct);
                    await visitCopy.WriteAsync(v.Id, NpgsqlDbType.Uuid, ct);
                    await visitCopy.WriteAsync(v.CaseId, NpgsqlDbType.Uuid, ct);
                    await visitCopy.WriteAsync(v.TokenId, NpgsqlDbType.Uuid, ct);
                    await visitCopy.WriteAsync(v.DefinitionVersionId, NpgsqlDbType.Uuid, ct);
                    await visitCopy.WriteAsync(v.PowerCode, NpgsqlDbType.Varchar, ct);
                    await visitCopy.WriteAsync(v.Version, NpgsqlDbType.Integer, ct);
                    await visitCopy.WriteAsync(v.NodeId, NpgsqlDbType.Varchar, ct);
                    await visitCopy.WriteAsync(v.NodeKind, NpgsqlDbType.Varchar, ct);
                    await Nullable(visitCopy, v.Department, NpgsqlDbType.Varchar, ct);
                    await Nullable(visitCopy, v.Handler, NpgsqlDbType.Varchar, ct);
                    await visitCopy.WriteAsync(v.EnteredAt, NpgsqlDbType.TimestampTz, ct);
                    await Nullable(visitCopy, v.LeftAt, NpgsqlDbType.TimestampTz, ct);
                    await Nullable(visitCopy, v.Outcome, NpgsqlDbType.Varchar, ct);
                    await Nullable(visitCopy, v.DueAt, NpgsqlDbType.TimestampTz, ct);
                    await visitCopy.WriteAsync(v.Light.ToString(), NpgsqlDbType.Varchar, ct);
                    await visitCopy.WriteAsync(v.SuspendedMs, NpgsqlDbType.Bigint, ct);
                    await Nullable(visitCopy, v.WorkingMs, NpgsqlDbType.Bigint, ct);
                }
                Count(generated, definitions);
                if (Cases % 50_000 == 0) progress?.Invoke(Cases);
            }
            await caseCopy.CompleteAsync(ct);
            await visitCopy.CompleteAsync(ct);
        }

        await using (var histogramCopy = await caseConnection.BeginBinaryImportAsync(
            "COPY node_timing_histograms (period, power_code, version, node_id, department, handler, case_outcome, visits, timed, on_time, " +
            "early, late, working_ms_sum, working_ms_max, histogram) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var r in _rollups.Histograms())
            {
                await histogramCopy.StartRowAsync(ct);
                await histogramCopy.WriteAsync(r.Period, NpgsqlDbType.Integer, ct);
                await histogramCopy.WriteAsync(r.PowerCode, NpgsqlDbType.Varchar, ct);
                await histogramCopy.WriteAsync(r.Version, NpgsqlDbType.Integer, ct);
                await histogramCopy.WriteAsync(r.NodeId, NpgsqlDbType.Varchar, ct);
                await histogramCopy.WriteAsync(r.Department, NpgsqlDbType.Varchar, ct);
                await histogramCopy.WriteAsync(r.Handler, NpgsqlDbType.Varchar, ct);
                await histogramCopy.WriteAsync(r.CaseOutcome, NpgsqlDbType.Varchar, ct);
                foreach (var n in new[] { r.Visits, r.Timed, r.OnTime, r.Early, r.Late, r.WorkingMsSum, r.WorkingMsMax })
                    await histogramCopy.WriteAsync(n, NpgsqlDbType.Bigint, ct);
                await histogramCopy.WriteAsync(r.Histogram, NpgsqlDbType.Text, ct);
            }
            await histogramCopy.CompleteAsync(ct);
        }
        await using (var indicatorCopy = await caseConnection.BeginBinaryImportAsync(
            "COPY case_indicator_rollups (day, power_code, department, outcome, cases, completed, timed, on_time, early, late, instant, " +
            "instant_on_the_spot, working_ms_sum) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var r in _rollups.Indicators())
            {
                await indicatorCopy.StartRowAsync(ct);
                await indicatorCopy.WriteAsync(r.Day, NpgsqlDbType.Integer, ct);
                await indicatorCopy.WriteAsync(r.PowerCode, NpgsqlDbType.Varchar, ct);
                await indicatorCopy.WriteAsync(r.Department, NpgsqlDbType.Varchar, ct);
                await indicatorCopy.WriteAsync(r.Outcome, NpgsqlDbType.Varchar, ct);
                foreach (var n in new[] { r.Cases, r.Completed, r.Timed, r.OnTime, r.Early, r.Late, r.Instant, r.InstantOnTheSpot, r.WorkingMsSum })
                    await indicatorCopy.WriteAsync(n, NpgsqlDbType.Bigint, ct);
            }
            await indicatorCopy.CompleteAsync(ct);
        }
        // VACUUM as well as ANALYZE: the visibility map lets the covering partial indexes answer without the tables.
        foreach (var table in new[] { "cases", "node_visits", "node_timing_histograms", "case_indicator_rollups" })
        {
            await using var vacuum = new NpgsqlCommand($"VACUUM ANALYZE {table}", caseConnection) { CommandTimeout = 1200 };
            await vacuum.ExecuteNonQueryAsync(ct);
        }
    }

    private static Task Nullable<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct) where T : class =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, type, ct);

    private static Task Nullable<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct) where T : struct =>
        value is { } v ? copy.WriteAsync(v, type, ct) : copy.WriteNullAsync(ct);

    // ---- SQLite -----------------------------------------------------------------------------------------------------

    private async Task InsertAsync(string connectionString, IEnumerable<GeneratedCase> cases,
        IReadOnlyDictionary<Guid, (string Subject, bool Instant)> definitions, Action<long>? progress, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        var caseInsert = Prepare(connection, transaction, "cases", CaseColumns);
        var visitInsert = Prepare(connection, transaction, "node_visits", VisitColumns);
        foreach (var generated in cases)
        {
            var c = generated.Case;
            await RunAsync(caseInsert, ct, Text(c.Id), Text(c.DefinitionVersionId), c.PowerCode, c.Version, c.Status.ToString(), c.Result, c.ApplicantId,
                c.ApplicantName, c.Data, Time(c.AppliedAt), Time(c.EndedAt), c.Revision, c.JournalLength, c.JournalHead, c.OpenIncidents,
                Time(c.AcceptedAt), Time(c.DecidedAt), Time(c.PromisedDue), Time(c.LegalDue), c.Light.ToString(), Time(c.SuspendedSince),
                c.SuspendedMs, c.WorkingMs, c.Extensions);
            foreach (var v in generated.Visits)
                await RunAsync(visitInsert, ct, Text(v.Id), Text(v.CaseId), Text(v.TokenId), Text(v.DefinitionVersionId), v.PowerCode, v.Version,
                    v.NodeId, v.NodeKind, v.Department, v.Handler, Time(v.EnteredAt), Time(v.LeftAt), v.Outcome, Time(v.DueAt), v.Light.ToString(),
                    v.SuspendedMs, v.WorkingMs);
            Count(generated, definitions);
            if (Cases % 50_000 == 0) progress?.Invoke(Cases);
        }
        var histogramInsert = Prepare(connection, transaction, "node_timing_histograms",
            "period, power_code, version, node_id, department, handler, case_outcome, visits, timed, on_time, early, late, working_ms_sum, working_ms_max, histogram");
        foreach (var r in _rollups.Histograms())
            await RunAsync(histogramInsert, ct, r.Period, r.PowerCode, r.Version, r.NodeId, r.Department, r.Handler, r.CaseOutcome,
                r.Visits, r.Timed, r.OnTime, r.Early, r.Late, r.WorkingMsSum, r.WorkingMsMax, r.Histogram);
        var indicatorInsert = Prepare(connection, transaction, "case_indicator_rollups",
            "day, power_code, department, outcome, cases, completed, timed, on_time, early, late, instant, instant_on_the_spot, working_ms_sum");
        foreach (var r in _rollups.Indicators())
            await RunAsync(indicatorInsert, ct, r.Day, r.PowerCode, r.Department, r.Outcome, r.Cases, r.Completed, r.Timed, r.OnTime, r.Early,
                r.Late, r.Instant, r.InstantOnTheSpot, r.WorkingMsSum);
        await transaction.CommitAsync(ct);
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string table, string columns)
    {
        var names = columns.Split(',', StringSplitOptions.TrimEntries);
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {table} ({columns}) VALUES ({string.Join(", ", names.Select((_, i) => "$p" + i))})";
        for (var i = 0; i < names.Length; i++) command.Parameters.Add(new SqliteParameter("$p" + i, null));
        command.Prepare();
        return command;
    }

    private static Task<int> RunAsync(DbCommand command, CancellationToken ct, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
        return command.ExecuteNonQueryAsync(ct);
    }

    // As EF writes them on SQLite: a Guid's upper-case "D" text, a time as yyyy-MM-dd HH:mm:ss.FFFFFFF (see StoreTypes.Sqlite).
    private static string Text(Guid id) => id.ToString().ToUpperInvariant();

    private static string? Time(DateTime? utc) => utc?.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);
}
