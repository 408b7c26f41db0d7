// The SQLite side of each migration: attributes and column types only. The bodies are written once, in
// Migrations/*Schema.cs, for both providers.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Bpm.Storage.Migrations.Sqlite;

[DbContext(typeof(SqliteBpmDbContext))]
[Migration(InitialSchema.Id)]
public sealed class Initial() : SchemaMigration(StoreTypes.Sqlite, InitialSchema.Up, InitialSchema.Down);

[DbContext(typeof(SqliteBpmDbContext))]
[Migration(LegalTimeSchema.Id)]
public sealed class LegalTime() : SchemaMigration(StoreTypes.Sqlite, LegalTimeSchema.Up, LegalTimeSchema.Down);

[DbContext(typeof(SqliteBpmDbContext))]
[Migration(ServerSchema.Id)]
public sealed class Server() : SchemaMigration(StoreTypes.Sqlite, ServerSchema.Up, ServerSchema.Down);

[DbContext(typeof(SqliteBpmDbContext))]
[Migration(NotificationsSchema.Id)]
public sealed class Notifications() : SchemaMigration(StoreTypes.Sqlite, NotificationsSchema.Up, NotificationsSchema.Down);

[DbContext(typeof(SqliteBpmDbContext))]
[Migration(AnalyticsSchema.Id)]
public sealed class Analytics() : SchemaMigration(StoreTypes.Sqlite, AnalyticsSchema.Up, AnalyticsSchema.Down);

[DbContext(typeof(SqliteBpmDbContext))]
[Migration(OversightSchema.Id)]
public sealed class Oversight() : SchemaMigration(StoreTypes.Sqlite, OversightSchema.Up, OversightSchema.Down);

[DbContext(typeof(SqliteBpmDbContext))]
[Migration(RollupFeedSchema.Id)]
public sealed class RollupFeedTable() : SchemaMigration(StoreTypes.Sqlite, RollupFeedSchema.Up, RollupFeedSchema.Down);

[DbContext(typeof(SqliteBpmDbContext))]
[Migration(CaseRevisionGuardSchema.Id)]
public sealed class CaseRevisionGuard() : SchemaMigration(StoreTypes.Sqlite, CaseRevisionGuardSchema.Up, CaseRevisionGuardSchema.Down);
