using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Bpm.Storage;

/// <summary>
/// Every stored time is UTC. Writing: a local time is converted, an unspecified one is taken as UTC (PostgreSQL
/// would refuse it, SQLite would lose the fact). Reading: SQLite gives back Unspecified, so the kind is restored.
/// </summary>
internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc),
    v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v, DateTimeKind.Utc));
