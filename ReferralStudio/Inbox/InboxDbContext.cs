using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using ReferralStudio.Data;

namespace ReferralStudio.Inbox;

/// <summary>
/// The inbox: its own SQLite file holding every delivery byte for byte, appended by the webhook
/// endpoint's group commit. Kept apart from the main database so an acknowledgement never waits for
/// SQLite's single write lock while the processor applies a large batch.
/// </summary>
public sealed class InboxDbContext(DbContextOptions<InboxDbContext> options) : DbContext(options)
{
    /// <summary>The stored deliveries' table (the main file shows them with their outcomes as <see cref="AppDbContext.DeliveriesView"/>).</summary>
    public const string DeliveriesTable = "InboundDeliveries";

    public DbSet<StoredDelivery> InboundDeliveries => Set<StoredDelivery>();
    public DbSet<PairIdentity> PairIdentities => Set<PairIdentity>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<AppDbContext.UnixMillisecondsConverter>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<StoredDelivery>(e =>
        {
            e.ToTable(DeliveriesTable);
            e.Property(d => d.Status).HasConversion<int>();
            e.HasIndex(d => d.ReceivedAt);
        });

        modelBuilder.Entity<PairIdentity>(e => e.Property(p => p.Id).ValueGeneratedNever());
    }
}

/// <summary>Lets <c>dotnet ef migrations add --context InboxDbContext</c> build the model.</summary>
public sealed class InboxDesignTimeDbContextFactory : IDesignTimeDbContextFactory<InboxDbContext>
{
    public InboxDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<InboxDbContext>().UseSqlite("Data Source=design-time-inbox.db").Options);
}
