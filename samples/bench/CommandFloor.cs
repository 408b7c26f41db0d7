using System.Diagnostics;
using Npgsql;

namespace Bpm.Bench;

/// <summary>
/// What any engine keeping this schema could reach: the rows one "complete a review step" command must read and
/// write, sent by hand-written, prepared SQL with no engine, no EF and no decisions in between. It is deliberately
/// optimistic: each update writes back the values its indexed columns already have (so PostgreSQL may update in place,
/// which the real command, changing a status, cannot), and nothing is checked or hashed. If even this floor stays
/// below the target ratio, the target is out of reach for the schema on this machine, whatever the engine does.
/// <list type="bullet">
/// <item><b>read + write</b>: the case loaded as the engine loads it (one batch of eight SELECTs through the work item),
/// then one batch of the six writes, which PostgreSQL runs as one implicit transaction: two round trips.</item>
/// <item><b>write only</b>: the six writes alone, one round trip: a floor under the floor.</item>
/// </list>
/// Run on completed cases of the engine run (their rows, indexes and sizes are the real ones); the changes it makes
/// (journal rows with made-up numbers, feed rows) are removed afterwards.
/// </summary>
internal static class CommandFloor
{
    private const int FirstSeq = 1_000_000_000;

    private const string Load = """
        SELECT * FROM cases WHERE id = (SELECT case_id FROM work_items WHERE id = @w);
        SELECT * FROM tokens WHERE case_id = (SELECT case_id FROM work_items WHERE id = @w) AND status IN ('Active', 'Waiting', 'Arrived') ORDER BY created_at, id;
        SELECT * FROM work_items WHERE case_id = (SELECT case_id FROM work_items WHERE id = @w) AND status IN ('Open', 'Claimed') ORDER BY created_at, id;
        SELECT * FROM node_visits WHERE case_id = (SELECT case_id FROM work_items WHERE id = @w) AND left_at IS NULL ORDER BY entered_at, id;
        SELECT * FROM incidents WHERE case_id = (SELECT case_id FROM work_items WHERE id = @w) AND resolved_at IS NULL ORDER BY created_at, id;
        SELECT * FROM case_timers WHERE case_id = (SELECT case_id FROM work_items WHERE id = @w) AND status IN ('Pending') ORDER BY due_at, id;
        SELECT * FROM suspensions WHERE case_id = (SELECT case_id FROM work_items WHERE id = @w) AND ended_at IS NULL ORDER BY started_at, id;
        SELECT * FROM supervision_orders WHERE case_id = (SELECT case_id FROM work_items WHERE id = @w) AND status IN ('Issued', 'Answered', 'Overdue', 'Signed', 'Returned') ORDER BY issued_at, id
        """;

    private static readonly string[] Writes =
    [
        "UPDATE cases SET revision = revision + 1, journal_length = journal_length + 1, journal_head = $2 WHERE id = $1",
        "INSERT INTO journal_entries (case_id, seq, at, actor, kind, node_id, payload, previous_hash, hash) VALUES ($1, $2, $3, 'fire-1', 'work-item-completed', 'fire-review', $4, $5, $6)",
        "UPDATE node_visits SET left_at = $2, handler = 'fire-1', outcome = '同意', working_ms = 3600000 WHERE id = $1",
        "UPDATE tokens SET status = status, ended_at = ended_at WHERE id = $1",
        "UPDATE work_items SET status = status, completed_at = $2, completed_by = 'fire-1', outcome = '同意', opinion = '同意（fire-review）', form_data = $3 WHERE id = $1",
        "INSERT INTO rollup_feed (case_id, visit_id) VALUES ($1, $2)",
    ];

    private sealed record Target(Guid CaseId, Guid WorkItemId, Guid TokenId, Guid VisitId);

    public static async Task<FloorResult> RunAsync(string connectionString, int clients, int seconds, double rawCommitsPerSecond, CpuMeter cpu,
        CancellationToken ct)
    {
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 32 }.ConnectionString);
        var targets = await TargetsAsync(dataSource, ct);
        if (targets.Count == 0) throw new InvalidOperationException("the floor needs completed cases from the engine run");
        long feedBefore;
        await using (var max = dataSource.CreateCommand("SELECT COALESCE(max(seq), 0) FROM rollup_feed"))
            feedBefore = (long)(await max.ExecuteScalarAsync(ct))!;

        var seq = FirstSeq;
        var payload = """{"outcome":"同意","opinion":"同意（fire-review）","form":{"fireOpinion":"消防设计审查合格"}}""";
        async Task Command(NpgsqlConnection connection, Random random, bool read)
        {
            var t = targets[random.Next(targets.Count)];
            if (read)
            {
                await using var load = new NpgsqlCommand(Load, connection) { Parameters = { new("w", t.WorkItemId) } };
                await using var reader = await load.ExecuteReaderAsync(ct);
                do
                {
                    while (await reader.ReadAsync(ct)) { }
                } while (await reader.NextResultAsync(ct));
            }
            var now = DateTime.UtcNow;
            var hash = Convert.ToHexString(Guid.NewGuid().ToByteArray()) + Convert.ToHexString(Guid.NewGuid().ToByteArray());
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new(Writes[0]) { Parameters = { new() { Value = t.CaseId }, new() { Value = hash } } },
                    new(Writes[1])
                    {
                        Parameters =
                        {
                            new() { Value = t.CaseId }, new() { Value = Interlocked.Increment(ref seq) }, new() { Value = now },
                            new() { Value = payload }, new() { Value = hash }, new() { Value = hash },
                        },
                    },
                    new(Writes[2]) { Parameters = { new() { Value = t.VisitId }, new() { Value = now } } },
                    new(Writes[3]) { Parameters = { new() { Value = t.TokenId } } },
                    new(Writes[4]) { Parameters = { new() { Value = t.WorkItemId }, new() { Value = now }, new() { Value = """{"fireOpinion":"消防设计审查合格"}""" } } },
                    new(Writes[5]) { Parameters = { new() { Value = t.CaseId }, new() { Value = t.VisitId } } },
                },
            };
            // No transaction object: PostgreSQL runs a batch sent with one Sync as one implicit transaction.
            await batch.ExecuteNonQueryAsync(ct);
        }

        try
        {
            var readWrite = await MeasureAsync(dataSource, clients, seconds, (c, r) => Command(c, r, read: true), cpu, ct);
            var writeOnly = await MeasureAsync(dataSource, clients, seconds, (c, r) => Command(c, r, read: false), cpu, ct);
            return new FloorResult(
                new FloorRun("read + write (2 round trips)", readWrite.Commands, readWrite.Seconds, readWrite.PerSecond,
                    Math.Round(readWrite.PerSecond / rawCommitsPerSecond, 3), readWrite.Latency, readWrite.Cpu),
                new FloorRun("write only (1 round trip)", writeOnly.Commands, writeOnly.Seconds, writeOnly.PerSecond,
                    Math.Round(writeOnly.PerSecond / rawCommitsPerSecond, 3), writeOnly.Latency, writeOnly.Cpu));
        }
        finally
        {
            await using var cleanup = dataSource.CreateCommand($"DELETE FROM journal_entries WHERE seq >= {FirstSeq}; DELETE FROM rollup_feed WHERE seq > {feedBefore}");
            await cleanup.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static async Task<List<Target>> TargetsAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT w.case_id, w.id, w.token_id, v.id FROM work_items w
            JOIN node_visits v ON v.case_id = w.case_id AND v.token_id = w.token_id AND v.node_id = w.node_id
            WHERE w.node_id = 'fire-review' AND w.status = 'Completed' LIMIT 20000
            """);
        var targets = new List<Target>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) targets.Add(new Target(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetGuid(3)));
        return targets;
    }

    private sealed record Measured(long Commands, double Seconds, double PerSecond, LatencySummary Latency, CpuUse Cpu);

    private static async Task<Measured> MeasureAsync(NpgsqlDataSource dataSource, int clients, int seconds, Func<NpgsqlConnection, Random, Task> command,
        CpuMeter cpu, CancellationToken ct)
    {
        var connections = new NpgsqlConnection[clients];
        for (var i = 0; i < clients; i++) connections[i] = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var warmupUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency * Math.Clamp(seconds / 4, 1, 3);
            await Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
            {
                var random = new Random(i);
                while (Stopwatch.GetTimestamp() < warmupUntil) await command(connections[i], random);
            }, ct)));

            var perClient = Enumerable.Range(0, clients).Select(_ => new Latencies()).ToArray();
            var before = cpu.Take();
            var deadline = before.Timestamp + (long)(seconds * (double)Stopwatch.Frequency);
            await Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
            {
                var random = new Random(100 + i);
                while (!ct.IsCancellationRequested)
                {
                    var start = Stopwatch.GetTimestamp();
                    if (start >= deadline) return;
                    await command(connections[i], random);
                    perClient[i].Add("command", Stopwatch.GetTimestamp() - start);
                }
            }, ct)));
            var after = cpu.Take();
            var latencies = Latencies.Merge(perClient);
            var count = latencies.All.LongCount();
            var elapsed = (after.Timestamp - before.Timestamp) / (double)Stopwatch.Frequency;
            return new Measured(count, Math.Round(elapsed, 3), Math.Round(count / elapsed, 1), Latencies.Summarize(latencies.All), CpuMeter.Between(before, after, count));
        }
        finally
        {
            foreach (var connection in connections) await connection.DisposeAsync();
        }
    }
}
