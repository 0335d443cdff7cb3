using ReferralStudio.Data;
using ReferralStudio.Storage.Sqlite;

namespace ReferralStudio.Backup;

/// <summary>
/// <c>ReferralStudio backup &lt;folder&gt;</c> and <c>ReferralStudio restore &lt;folder&gt; [--force]</c>, run
/// instead of the web app. They read the app's own configuration (appsettings, environment, the
/// switches after the folder), so they find the same two files the app uses.
/// </summary>
public static class BackupCommands
{
    private const string Usage = """
        usage: ReferralStudio backup <folder>            copy the main file, then the inbox, into a new folder (the app may be running)
               ReferralStudio restore <folder> [--force] put a backup's files where the configuration points (the app must be stopped;
                                                         --force replaces existing files, keeping them as *.before-restore-<time>)
        Configuration switches may follow, e.g. --ConnectionStrings:ReferralStudio="Data Source=/srv/studio.db"
        """;

    /// <summary>What <c>backup</c> and <c>restore</c> answer with <c>Database:Provider=postgres</c>: the server's own tools do it.</summary>
    public const string PostgresRefusal = """
        backup and restore copy SQLite's two files; with Database:Provider=postgres everything is in the PostgreSQL database.
        Back it up with pg_dump and restore it with pg_restore (README, "Backup and restore on PostgreSQL"), e.g.
          pg_dump -Fc -d referralstudio -f referralstudio.dump
          pg_restore --clean --if-exists --no-owner -d referralstudio referralstudio.dump   (with the app stopped)
        and copy the Data Protection keys folder (DataProtection:KeysPath, default data/keys) with every dump.
        """;

    /// <summary>Whether the arguments ask for a command rather than the web app.</summary>
    public static bool Handles(string[] args) => args is ["backup" or "restore", ..];

    /// <summary>Runs the command; returns the process's exit code (0 done, 1 refused, 2 usage).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args is not [var verb, var folder, .. var rest] || folder.StartsWith("--", StringComparison.Ordinal))
        {
            error.WriteLine(Usage);
            return 2;
        }

        var force = rest.Contains("--force");
        // The web app's builder, unbuilt: the same configuration sources and content root as the app itself.
        var builder = WebApplication.CreateBuilder([.. rest.Where(a => a != "--force"), "--hostBuilder:reloadConfigOnChange=false"]);
        if (DatabaseOptions.From(builder.Configuration).IsPostgres)
        {
            error.WriteLine(PostgresRefusal);
            return 1;
        }

        var database = SqliteStorage.FilesFrom(builder.Configuration, builder.Environment.ContentRootPath);
        folder = Path.GetFullPath(folder);
        try
        {
            if (verb == "backup")
            {
                var result = PairBackup.Backup(database, folder, step => output.WriteLine(step switch
                {
                    BackupStep.CopyingMain => $"Copying {database.FilePath}",
                    BackupStep.CopyingInbox => $"Copying {database.InboxFilePath}",
                    _ => "Checked both copies",
                }));
                output.WriteLine($"Backed up pair {result.Pair} to {result.Folder}: processed up to delivery {result.Cursor}, inbox up to {result.InboxLastId}.");
            }
            else
            {
                var result = PairBackup.Restore(database, folder, force, TimeProvider.System);
                if (result.MovedAsideSuffix is { } suffix)
                {
                    output.WriteLine($"The files replaced were kept as *{suffix}.");
                }

                output.WriteLine($"Restored pair {result.Pair} to {database.FilePath} and {database.InboxFilePath}: " +
                    $"processed up to delivery {result.Cursor}, inbox up to {result.InboxLastId}; the rest is processed when the app starts.");
            }

            return 0;
        }
        catch (Exception ex) when (ex is BackupException or FilePairException)
        {
            error.WriteLine(ex.Message);
            return 1;
        }
    }
}
