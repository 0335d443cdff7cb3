namespace ReferralStudio.Data;

/// <summary>Which engine stores everything (section <c>Database</c>).</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary>
    /// <c>sqlite</c> (the default: two files under <c>data/</c>) or <c>postgres</c> (<c>ConnectionStrings:ReferralStudio</c>
    /// is then an Npgsql connection string).
    /// </summary>
    public string Provider { get; set; } = Sqlite;

    public bool IsPostgres => string.Equals(Provider, Postgres, StringComparison.OrdinalIgnoreCase);

    /// <summary>The setting as the app reads it before anything is built (it decides which services exist).</summary>
    public static DatabaseOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<DatabaseOptions>() ?? new();

    internal IEnumerable<string?> Rules() =>
    [
        string.Equals(Provider, Sqlite, StringComparison.OrdinalIgnoreCase) || IsPostgres
            ? null
            : $"{Section}:Provider must be '{Sqlite}' or '{Postgres}' (it is '{Provider}').",
    ];
}
