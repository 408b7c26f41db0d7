// The PostgreSQL side of each migration: attributes and column types only. The bodies are written once, in
// Migrations/*Schema.cs, for both providers.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Bpm.Storage.Migrations.Postgres;

[DbContext(typeof(PostgresBpmDbContext))]
[Migration(InitialSchema.Id)]
public sealed class Initial() : SchemaMigration(StoreTypes.Postgres, InitialSchema.Up, InitialSchema.Down);

[DbContext(typeof(PostgresBpmDbContext))]
[Migration(LegalTimeSchema.Id)]
public sealed class LegalTime() : SchemaMigration(StoreTypes.Postgres, LegalTimeSchema.Up, LegalTimeSchema.Down);

[DbContext(typeof(PostgresBpmDbContext))]
[Migration(ServerSchema.Id)]
public sealed class Server() : SchemaMigration(StoreTypes.Postgres, ServerSchema.Up, ServerSchema.Down);

[DbContext(typeof(PostgresBpmDbContext))]
[Migration(NotificationsSchema.Id)]
public sealed class Notifications() : SchemaMigration(StoreTypes.Postgres, NotificationsSchema.Up, NotificationsSchema.Down);

[DbContext(typeof(PostgresBpmDbContext))]
[Migration(AnalyticsSchema.Id)]
public sealed class Analytics() : SchemaMigration(StoreTypes.Postgres, AnalyticsSchema.Up, AnalyticsSchema.Down);

[DbContext(typeof(PostgresBpmDbContext))]
[Migration(OversightSchema.Id)]
public sealed class Oversight() : SchemaMigration(StoreTypes.Postgres, OversightSchema.Up, OversightSchema.Down);

[DbContext(typeof(PostgresBpmDbContext))]
[Migration(RollupFeedSchema.Id)]
public sealed class RollupFeedTable() : SchemaMigration(StoreTypes.Postgres, RollupFeedSchema.Up, RollupFeedSchema.Down);

[DbContext(typeof(PostgresBpmDbContext))]
[Migration(CaseRevisionGuardSchema.Id)]
public sealed class CaseRevisionGuard() : SchemaMigration(StoreTypes.Postgres, CaseRevisionGuardSchema.Up, CaseRevisionGuardSchema.Down);
