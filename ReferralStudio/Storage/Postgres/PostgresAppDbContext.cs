using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using ReferralStudio.Conversions;
using ReferralStudio.Data;
using ReferralStudio.Inbox;

namespace ReferralStudio.Storage.Postgres;

/// <summary>
/// <see cref="AppDbContext"/>'s model on PostgreSQL, with migrations of its own (<c>Storage/Postgres/Migrations</c>).
/// Consumers still inject <see cref="AppDbContext"/>; on this engine it is this type. Differences from SQLite:
/// <list type="bullet">
/// <item>Every identifier is lower case, so the hand-written SQL, unquoted and written once for both engines, folds to the
/// same names (PostgreSQL folds unquoted names to lower case; SQLite ignores case).</item>
/// <item>Times stay Unix milliseconds in <c>bigint</c> (the base model's converter), so every query's time arithmetic is the
/// same on both engines; booleans are native <c>boolean</c>.</item>
/// <item>No NOCASE collation: refs, campaign keys' refs and tag labels are plain text, and their case-insensitive lookups
/// are expression indexes on <c>lower(...)</c> (see the migration). Queries on PostgreSQL compare <c>lower(ref)</c>.</item>
/// <item>The inbox is a table of the same database (<see cref="InboxDbContext.DeliveriesTable"/>), and
/// <see cref="AppDbContext.DeliveriesView"/> a real view over it and the outcomes.</item>
/// <item>Name search is a <c>pg_trgm</c> GIN index on the conversations instead of SQLite's FTS5 table; <c>feedrefs</c> is a
/// plain table.</item>
/// </list>
/// </summary>
public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options) : AppDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        configurationBuilder.Conventions.Add(_ => new LowerCaseNames());
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);

        // The inbox's table, appended by PostgresInbox and created by these migrations (the same columns as the inbox file).
        modelBuilder.Entity<StoredDelivery>(e =>
        {
            e.ToTable(InboxDbContext.DeliveriesTable);
            e.Property(d => d.Status).HasConversion<int>();
            e.HasIndex(d => d.ReceivedAt);
        });

        // NOCASE is SQLite's own collation; PostgreSQL has none by that name.
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(t => t.GetProperties()))
        {
            if (property.GetCollation() == "NOCASE")
            {
                property.SetCollation(null);
            }
        }

        // Case-insensitive on SQLite through NOCASE; here expression indexes on lower(ref), created by the migration.
        RemoveIndex<ReferralTouch>(modelBuilder, nameof(ReferralTouch.Ref), nameof(ReferralTouch.OccurredAt));
        RemoveIndex<CampaignKey>(modelBuilder, nameof(CampaignKey.TriggerId), nameof(CampaignKey.Ref), nameof(CampaignKey.AdId));

        // The feed reads touches newest first by (OccurredAt, Id). SQLite ends every index with the rowid, so its (X, OccurredAt)
        // indexes give that order whole; here the id is a column of its own, and without it the planner sorts every touch of
        // a time range (or all of them) to find a page. The touches' time indexes end with Id (migration DashboardIndexes; the
        // conversation's since FeedSearchIndexes, so a name search lists its touches' ids from the index alone).
        string[][] timeIndexes =
        [
            [nameof(ReferralTouch.OccurredAt)],
            [nameof(ReferralTouch.ConversationId), nameof(ReferralTouch.OccurredAt)],
            [nameof(ReferralTouch.Platform), nameof(ReferralTouch.OccurredAt)],
            [nameof(ReferralTouch.TriggerId), nameof(ReferralTouch.OccurredAt)],
            [nameof(ReferralTouch.ParticipantId), nameof(ReferralTouch.OccurredAt)],
            [nameof(ReferralTouch.AdId), nameof(ReferralTouch.OccurredAt)],
            [nameof(ReferralTouch.AccountId), nameof(ReferralTouch.OccurredAt)],
        ];
        foreach (var columns in timeIndexes)
        {
            RemoveIndex<ReferralTouch>(modelBuilder, columns);
            modelBuilder.Entity<ReferralTouch>().HasIndex([.. columns, nameof(ReferralTouch.Id)]);
        }
    }

    private static void RemoveIndex<TEntity>(ModelBuilder modelBuilder, params string[] properties)
        where TEntity : class
    {
        var entity = modelBuilder.Entity<TEntity>().Metadata;
        var index = entity.GetIndexes().Single(i => i.Properties.Select(p => p.Name).SequenceEqual(properties));
        entity.RemoveIndex(index);
    }
}

/// <summary>
/// Lets <c>dotnet ef migrations add --context PostgresAppDbContext</c> build the model; no server is contacted.
/// </summary>
public sealed class PostgresDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PostgresAppDbContext>
{
    public PostgresAppDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAppDbContext>().UseNpgsql("Host=localhost;Database=referralstudio_design").Options);
}
