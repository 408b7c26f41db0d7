namespace Bpm.Storage;

/// <summary>The database an <see cref="EngineStore"/> runs on.</summary>
public enum StorageProvider { Sqlite, Postgres }

/// <summary>Opens engine stores.</summary>
public static class BpmStorage
{
    /// <summary>An embedded SQLite file, e.g. <c>Data Source=data/bpm.db</c>.</summary>
    public static EngineStore Sqlite(string connectionString) => new(StorageProvider.Sqlite, connectionString);

    /// <summary>A PostgreSQL database, as an Npgsql connection string.</summary>
    public static EngineStore Postgres(string connectionString) => new(StorageProvider.Postgres, connectionString);

    public static EngineStore Open(StorageProvider provider, string connectionString) => new(provider, connectionString);
}
