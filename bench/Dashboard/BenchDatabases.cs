using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ReferralStudio.Conversions;
using ReferralStudio.Data;
using ReferralStudio.Storage.Postgres;
using ReferralStudio.Storage.Sqlite;

/// <summary>One engine's database for a run: made by the app's own migrations, filled by <see cref="Generator"/>, read as the app reads it.</summary>
internal interface IBenchDatabase : IAsyncDisposable
{
    string Engine { get; }

    /// <summary>Where the data is (a file, or a database on a server), for the report.</summary>
    string Where { get; }

    /// <summary>How much space the data takes.</summary>
    string Size();

    IRowWriter Rows();

    DbConnection Open();

    /// <summary>A short-lived context, as the dashboard's components and the API create them.</summary>
    Task<AppDbContext> ContextAsync();

    /// <summary>
    /// What the app's writers keep beside the raw rows (the campaign rollup, the feed search's tables), rebuilt after the
    /// generator wrote around them, plus whatever the engine's upkeep would have done by the time anyone reads.
    /// </summary>
    Task AfterLoadAsync();
}

/// <summary>The inbox and data files under one folder, as the app keeps them.</summary>
internal sealed class SqliteBench : IBenchDatabase
{
    private readonly string _path;
    private readonly bool _keep;
    private readonly SqliteFiles _files;
    private readonly DbContextOptions<AppDbContext> _options;

    private SqliteBench(string path, bool keep)
    {
        (_path, _keep) = (path, keep);
        _files = new SqliteFiles($"Data Source={path}", Path.GetDirectoryName(path)!);
        _options = new DbContextOptionsBuilder<AppDbContext>().UseAppDatabase(_files).Options;
    }

    public string Engine => "sqlite";

    public string Where => _path;

    public static async Task<SqliteBench> StartAsync(string path, bool keep)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bench = new SqliteBench(path, keep);
        // Both files, as the app does at start (the inbox stays empty here).
        await SqliteStorage.MigrateAsync(bench._files);
        return bench;
    }

    public string Size() => $"file {new FileInfo(_path).Length / 1048576.0:N0} MiB";

    public IRowWriter Rows() => new SqliteRows(_files.Open());

    public DbConnection Open() => _files.Open();

    public Task<AppDbContext> ContextAsync() => Task.FromResult(new AppDbContext(_options));

    public async Task AfterLoadAsync()
    {
        var sw = Stopwatch.StartNew();
        await using (var connection = _files.Open())
        {
            await CampaignRollup.RebuildAsync(connection);
        }

        Console.WriteLine($"campaign rollup rebuilt in {sw.Elapsed.TotalSeconds:N1} s");
        sw.Restart();
        await using (var connection = _files.Open())
        {
            await FeedSearchIndex.RebuildAsync(connection);
        }

        Console.WriteLine($"feed search index rebuilt in {sw.Elapsed.TotalSeconds:N1} s");
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (!_keep)
        {
            Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>A database of its own on a PostgreSQL server (<see cref="BenchPostgresDatabase"/>), filled and read as the app does.</summary>
internal sealed class PostgresBench(BenchPostgresDatabase database) : IBenchDatabase
{
    private readonly NpgsqlDataSource _dataSource = database.DataSource;

    public string Engine => "postgres";

    public string Where => $"database {database.Name}";

    public static async Task<PostgresBench> StartAsync(string server, string name, bool reuse, bool keep) =>
        new(await BenchPostgresDatabase.StartAsync(server, name, reuse, keep));

    public string Size() => database.Size();

    public IRowWriter Rows() => new PostgresRows(_dataSource);

    public DbConnection Open() => _dataSource.OpenConnection();

    public Task<AppDbContext> ContextAsync() => Task.FromResult<AppDbContext>(new PostgresAppDbContext(database.Options));

    public async Task AfterLoadAsync()
    {
        var sw = Stopwatch.StartNew();
        await using var connection = await _dataSource.OpenConnectionAsync();
        await CampaignRollup.RebuildAsync(connection);
        Console.WriteLine($"campaign rollup rebuilt in {sw.Elapsed.TotalSeconds:N1} s");
        sw.Restart();
        // The trigram index on the names kept itself; feedrefs is what the attribution writer adds each new ref to.
        await ExecAsync(connection, "INSERT INTO feedrefs (ref) SELECT DISTINCT ref FROM referraltouches WHERE ref IS NOT NULL ON CONFLICT DO NOTHING");
        Console.WriteLine($"feed refs filled in {sw.Elapsed.TotalSeconds:N1} s");
        sw.Restart();
        // Autovacuum would have analysed tables this size long before anyone opened the dashboard; without statistics
        // the planner guesses, and the figures would say nothing about a running installation.
        await ExecAsync(connection, "VACUUM (ANALYZE)");
        Console.WriteLine($"VACUUM (ANALYZE) in {sw.Elapsed.TotalSeconds:N1} s");
    }

    public ValueTask DisposeAsync() => database.DisposeAsync();

    private static async Task ExecAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }
}
