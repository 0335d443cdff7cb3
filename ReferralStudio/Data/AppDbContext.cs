using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ReferralStudio.Data;

public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options)
{
    public DbSet<InboundDelivery> InboundDeliveries => Set<InboundDelivery>();
    public DbSet<WebhookEvent> WebhookEvents => Set<WebhookEvent>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<ReferralTouch> ReferralTouches => Set<ReferralTouch>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date type; epoch milliseconds sort, compare and index as plain integers,
        // and the hot-path SQL writes the same encoding (see UnixMs).
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<InboundDelivery>(e =>
        {
            e.Property(d => d.Status).HasConversion<int>();
            // Only pending rows are ever looked up by status; a partial index keeps it tiny.
            e.HasIndex(d => d.Status).HasFilter("Status = 0").HasDatabaseName("IX_InboundDeliveries_Pending");
            e.HasIndex(d => d.ReceivedAt);
        });

        modelBuilder.Entity<WebhookEvent>(e =>
        {
            e.Property(x => x.Status).HasConversion<int>();
            e.HasIndex(x => x.DedupKey).IsUnique();
            e.HasIndex(x => x.DeliveryId);
            e.HasIndex(x => new { x.ConversationId, x.OccurredAt });
        });

        modelBuilder.Entity<Conversation>(e =>
        {
            e.HasIndex(c => new { c.Platform, c.AccountId, c.ParticipantId }).IsUnique();
            e.HasIndex(c => c.LastActivityAt);
            e.HasIndex(c => c.ParticipantId);
            e.HasOne(c => c.FirstReferral).WithMany().HasForeignKey(c => c.FirstReferralId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(c => c.LatestReferral).WithMany().HasForeignKey(c => c.LatestReferralId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(c => c.Referrals).WithOne().HasForeignKey(r => r.ConversationId);
        });

        modelBuilder.Entity<ReferralTouch>(e =>
        {
            // Meta's refs are case-sensitive strings, but marketers search them ignoring case.
            e.Property(r => r.Ref).UseCollation("NOCASE");
            e.HasIndex(r => new { r.ConversationId, r.OccurredAt });
            e.HasIndex(r => r.Ref);
            e.HasIndex(r => r.OccurredAt);
        });
    }

    private sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.ToUnixTimeMilliseconds(),
        v => DateTimeOffset.FromUnixTimeMilliseconds(v));
}

/// <summary>The one time encoding the database uses, shared with hand-written SQL.</summary>
public static class UnixMs
{
    public static long From(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static DateTimeOffset To(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);
}
