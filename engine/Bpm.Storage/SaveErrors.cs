using Bpm.Engine.Ports;
using Bpm.Engine.State;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Bpm.Storage;

/// <summary>Turns a failed save into the port's exceptions: someone else got there first.</summary>
internal static class SaveErrors
{
    // SQLITE_CONSTRAINT, and its extended codes SQLITE_CONSTRAINT_PRIMARYKEY and SQLITE_CONSTRAINT_UNIQUE (not NOT NULL or CHECK).
    private const int SqliteConstraint = 19;
    private const int SqlitePrimaryKey = 1555;
    private const int SqliteUnique = 2067;

    /// <summary>The exception to throw instead of <paramref name="e"/>, or null to let it through.</summary>
    public static Exception? Translate(DbContext context, DbUpdateException e)
    {
        if (e is DbUpdateConcurrencyException)
        {
            return new ConcurrencyConflictException(
                $"the case was changed by another command since it was loaded{Describe(e)}; reload and try again", e);
        }
        if (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure, MessageText: var text } pgStale
            && text.Contains("this write was based on revision", StringComparison.Ordinal))
        {
            return new ConcurrencyConflictException($"the case was changed by another command since it was loaded ({pgStale.MessageText}); reload and try again", e);
        }
        if (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected } pgRetry)
        {
            return new ConcurrencyConflictException($"the save collided with another transaction ({pgRetry.SqlState}); try again", e);
        }
        if (e.InnerException is SqliteException { SqliteErrorCode: SqliteConstraint } stale
            && stale.Message.Contains(Migrations.CaseRevisionGuardSchema.StaleRevision, StringComparison.Ordinal))
        {
            return new ConcurrencyConflictException($"the case was changed by another command since it was loaded{Describe(e)}; reload and try again", e);
        }
        if (UniqueViolationTable(e) is not { } table)
        {
            return null;
        }
        var receiptTable = context.Model.FindEntityType(typeof(CommandReceipt))?.GetTableName();
        var receipts = e.Entries.Where(x => x.State == EntityState.Added).Select(x => x.Entity).OfType<CommandReceipt>().ToList();
        var isReceipt = table.Length > 0
            ? table == receiptTable
            : receipts.Count > 0 && receipts.Count == e.Entries.Count; // table unknown: only if nothing else was written
        if (isReceipt)
        {
            var receipt = receipts.FirstOrDefault()
                          ?? context.ChangeTracker.Entries<CommandReceipt>().Where(x => x.State == EntityState.Added).Select(x => x.Entity).FirstOrDefault();
            return new DuplicateReceiptException(receipt?.Key ?? "?", e);
        }
        return new ConcurrencyConflictException(
            $"another command stored a row with the same key first (table {(table.Length > 0 ? table : "?")}); reload and try again", e);
    }

    /// <summary>The table of a unique or primary-key violation ("" when the database does not say), or null if it is none.</summary>
    private static string? UniqueViolationTable(DbUpdateException e) => e.InnerException switch
    {
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg => pg.TableName ?? "",
        SqliteException { SqliteErrorCode: SqliteConstraint, SqliteExtendedErrorCode: SqlitePrimaryKey or SqliteUnique } sqlite =>
            SqliteTable(sqlite.Message),
        _ => null,
    };

    /// <summary>"SQLite Error 19: 'UNIQUE constraint failed: command_receipts.key'." → command_receipts.</summary>
    private static string SqliteTable(string message)
    {
        const string marker = "constraint failed: ";
        var start = message.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return "";
        }
        start += marker.Length;
        var dot = message.IndexOf('.', start);
        return dot > start ? message[start..dot] : "";
    }

    private static string Describe(DbUpdateException e) =>
        e.Entries.Select(x => x.Entity).OfType<Case>().FirstOrDefault() is { } c ? $" (case {c.Id})" : "";
}
