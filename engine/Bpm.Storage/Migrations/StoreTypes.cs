using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Migrations.Operations.Builders;

namespace Bpm.Storage.Migrations;

/// <summary>
/// What one provider stores each kind of column as: the only thing the two providers' migrations differ in.
/// The types are the ones EF's own type mapping gives the model on that provider (the schema test checks it).
/// </summary>
internal sealed class StoreTypes
{
    private readonly Func<int, string> _string;
    private readonly Func<int, int, string> _decimal;

    private StoreTypes(
        string provider, string uuid, string timestamp, string @int, string @long, string @bool, string text,
        Func<int, string> @string, Func<int, int, string> @decimal)
    {
        Provider = provider;
        Uuid = uuid;
        Timestamp = timestamp;
        Int = @int;
        Long = @long;
        Bool = @bool;
        Text = text;
        _string = @string;
        _decimal = @decimal;
    }

    public static readonly StoreTypes Postgres = new(
        provider: "Npgsql.EntityFrameworkCore.PostgreSQL",
        uuid: "uuid",
        timestamp: "timestamp with time zone",
        @int: "integer",
        @long: "bigint",
        @bool: "boolean",
        text: "text",
        @string: n => $"character varying({n})",
        @decimal: (p, s) => $"numeric({p},{s})");

    /// <summary>
    /// SQLite has storage classes rather than types: a Guid is its "D" text, a DateTime is text in
    /// <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c> (which sorts chronologically), a decimal is its invariant text, a bool 0 or 1.
    /// </summary>
    public static readonly StoreTypes Sqlite = new(
        provider: "Microsoft.EntityFrameworkCore.Sqlite",
        uuid: "TEXT",
        timestamp: "TEXT",
        @int: "INTEGER",
        @long: "INTEGER",
        @bool: "INTEGER",
        text: "TEXT",
        @string: _ => "TEXT",
        @decimal: (_, _) => "TEXT");

    /// <summary>The EF provider name (<see cref="MigrationBuilder.ActiveProvider"/>) these types are for.</summary>
    public string Provider { get; }

    public string Uuid { get; }
    public string Timestamp { get; }
    public string Int { get; }
    public string Long { get; }
    public string Bool { get; }

    /// <summary>Unbounded text: JSON, bodies, messages.</summary>
    public string Text { get; }

    /// <summary>Bounded text; the bound counts characters.</summary>
    public string String(int maxLength) => _string(maxLength);

    public string Decimal(int precision, int scale) => _decimal(precision, scale);

    /// <summary>Fails loudly if a provider's migration class was given the other provider's types.</summary>
    public void Check(MigrationBuilder migrationBuilder)
    {
        if (migrationBuilder.ActiveProvider is { } active && active != Provider)
        {
            throw new InvalidOperationException($"a migration written for {Provider} is running on {active}");
        }
    }
}

/// <summary>Column builders in the provider's types, so a table is written once: <c>id = c.Uuid()</c>.</summary>
internal readonly struct Columns(ColumnsBuilder table, StoreTypes types)
{
    public OperationBuilder<AddColumnOperation> Uuid(bool nullable = false) => nullable
        ? table.Column<Guid?>(type: types.Uuid, nullable: true)
        : table.Column<Guid>(type: types.Uuid, nullable: false);

    public OperationBuilder<AddColumnOperation> Timestamp(bool nullable = false) => nullable
        ? table.Column<DateTime?>(type: types.Timestamp, nullable: true)
        : table.Column<DateTime>(type: types.Timestamp, nullable: false);

    public OperationBuilder<AddColumnOperation> Int(bool nullable = false) => nullable
        ? table.Column<int?>(type: types.Int, nullable: true)
        : table.Column<int>(type: types.Int, nullable: false);

    public OperationBuilder<AddColumnOperation> Long(bool nullable = false) => nullable
        ? table.Column<long?>(type: types.Long, nullable: true)
        : table.Column<long>(type: types.Long, nullable: false);

    public OperationBuilder<AddColumnOperation> Bool() => table.Column<bool>(type: types.Bool, nullable: false);

    public OperationBuilder<AddColumnOperation> Decimal(int precision, int scale) =>
        table.Column<decimal>(type: types.Decimal(precision, scale), precision: precision, scale: scale, nullable: false);

    public OperationBuilder<AddColumnOperation> String(int maxLength, bool nullable = false) =>
        table.Column<string>(type: types.String(maxLength), maxLength: maxLength, nullable: nullable);

    public OperationBuilder<AddColumnOperation> Text(bool nullable = false) =>
        table.Column<string>(type: types.Text, nullable: nullable);
}

internal static class MigrationBuilderExtensions
{
    /// <summary><see cref="MigrationBuilder.CreateTable{TColumns}"/> with the columns written in <paramref name="types"/>.</summary>
    public static CreateTableBuilder<TColumns> CreateTable<TColumns>(
        this MigrationBuilder migrationBuilder, string name, StoreTypes types, Func<Columns, TColumns> columns,
        Action<CreateTableBuilder<TColumns>> constraints) =>
        migrationBuilder.CreateTable(name, table => columns(new Columns(table, types)), constraints: constraints);

    /// <summary>
    /// <see cref="MigrationBuilder.DropColumn"/> on both providers. EF's SQLite provider would rebuild the table, which
    /// needs the migration's target model (hand-written migrations have none); SQLite 3.35+ drops a column in place,
    /// provided no index, key or constraint uses it (drop those first).
    /// </summary>
    public static void DropColumn(this MigrationBuilder migrationBuilder, StoreTypes types, string table, string name)
    {
        if (types == StoreTypes.Sqlite)
        {
            migrationBuilder.Sql($"ALTER TABLE \"{table}\" DROP COLUMN \"{name}\";");
        }
        else
        {
            migrationBuilder.DropColumn(name: name, table: table);
        }
    }
}

/// <summary>
/// A migration whose body is written once for both providers (<see cref="InitialSchema"/>, <see cref="LegalTimeSchema"/> …).
/// Each provider has a thin subclass carrying the <c>[DbContext]</c> and <c>[Migration]</c> attributes and its
/// <see cref="StoreTypes"/>; EF finds those, one set per context.
/// </summary>
public abstract class SchemaMigration : Migration
{
    private readonly StoreTypes _types;
    private readonly Action<MigrationBuilder, StoreTypes> _up;
    private readonly Action<MigrationBuilder, StoreTypes> _down;

    private protected SchemaMigration(StoreTypes types, Action<MigrationBuilder, StoreTypes> up, Action<MigrationBuilder, StoreTypes> down)
    {
        _types = types;
        _up = up;
        _down = down;
    }

    protected sealed override void Up(MigrationBuilder migrationBuilder)
    {
        _types.Check(migrationBuilder);
        _up(migrationBuilder, _types);
    }

    protected sealed override void Down(MigrationBuilder migrationBuilder)
    {
        _types.Check(migrationBuilder);
        _down(migrationBuilder, _types);
    }
}
