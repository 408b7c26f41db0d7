using Bpm.Testing;
using Npgsql;

namespace Bpm.Server.Tests;

/// <summary>Proves the throwaway PostgreSQL from Bpm.Testing really starts and speaks UTF-8.</summary>
public sealed class PostgresFixtureTests(PostgresDatabaseFixture database) : IClassFixture<PostgresDatabaseFixture>
{
    [Fact]
    public async Task Connects_to_PostgreSQL_15_or_newer()
    {
        await using var connection = await database.OpenConnectionAsync();

        await using var version = new NpgsqlCommand("select current_setting('server_version_num')::int", connection);
        var versionNum = (int)(await version.ExecuteScalarAsync())!;

        Assert.True(versionNum >= 150000, $"server_version_num is {versionNum}, expected PostgreSQL 15 or newer");
        Assert.Equal(new NpgsqlConnectionStringBuilder(database.ConnectionString).Database, connection.Database);
    }

    [Fact]
    public async Task Round_trips_Chinese_text()
    {
        const string powerName = "食品经营许可";
        await using var connection = await database.OpenConnectionAsync();

        await using (var create = new NpgsqlCommand(
                         "create table administrative_power (code text primary key, name text not null)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }
        await using (var insert = new NpgsqlCommand(
                         "insert into administrative_power (code, name) values ('XK00101001', @name)", connection))
        {
            insert.Parameters.AddWithValue("name", powerName);
            await insert.ExecuteNonQueryAsync();
        }
        // Compare in SQL too: a mangled encoding could round-trip through the driver yet be stored wrongly.
        await using var select = new NpgsqlCommand(
            "select name, name = '食品经营许可', char_length(name) from administrative_power where code = 'XK00101001'",
            connection);
        await using var reader = await select.ExecuteReaderAsync();

        Assert.True(await reader.ReadAsync());
        Assert.Equal(powerName, reader.GetString(0));
        Assert.True(reader.GetBoolean(1));
        Assert.Equal(6, reader.GetInt32(2));
    }
}
