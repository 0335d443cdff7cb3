using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using ReferralStudio.Accounts;
using ReferralStudio.Api;
using ReferralStudio.Audit;
using ReferralStudio.Auth;
using ReferralStudio.Conversions;
using ReferralStudio.Links.Trackable;
using ReferralStudio.Messaging;
using ReferralStudio.MetaConversions;
using ReferralStudio.Outbound;
using ReferralStudio.Triggers;

namespace ReferralStudio.Data;

/// <summary>
/// The main database's tables, the dashboard's users and roles (ASP.NET Core Identity) among them. This is the SQLite
/// model and the one every consumer injects; an engine with migrations of its own derives from it
/// (<see cref="Storage.Postgres.PostgresAppDbContext"/>), as EF Core's "migrations with multiple providers" describes.
/// </summary>
public class AppDbContext : IdentityDbContext<StudioUser, IdentityRole<long>, long>
{
    public AppDbContext(DbContextOptions<AppDbContext> options)
        : base(options)
    {
    }

    /// <summary>For a derived engine's context, whose options are typed by its own class.</summary>
    protected AppDbContext(DbContextOptions options)
        : base(options)
    {
    }

    /// <summary>
    /// The inbox's deliveries with what processing made of them: a per-connection view over the attached inbox file
    /// (<see cref="Inbox.InboxDbContext.DeliveriesTable"/>) and <see cref="DeliveryOutcome"/>, created by the engine.
    /// </summary>
    public const string DeliveriesView = "DeliveriesWithOutcomes";

    /// <summary>Read-only: the inbox file's deliveries with their outcomes (a per-connection view).</summary>
    public DbSet<InboundDelivery> InboundDeliveries => Set<InboundDelivery>();
    public DbSet<DeliveryOutcome> DeliveryOutcomes => Set<DeliveryOutcome>();
    public DbSet<InboxCursor> InboxCursors => Set<InboxCursor>();
    public DbSet<PairIdentity> PairIdentities => Set<PairIdentity>();
    public DbSet<WebhookEvent> WebhookEvents => Set<WebhookEvent>();
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<ReferralTouch> ReferralTouches => Set<ReferralTouch>();
    public DbSet<ParticipantAlias> ParticipantAliases => Set<ParticipantAlias>();
    public DbSet<IdentityEvent> IdentityEvents => Set<IdentityEvent>();
    public DbSet<Trigger> Triggers => Set<Trigger>();
    public DbSet<TriggerFiring> TriggerFirings => Set<TriggerFiring>();
    public DbSet<ConversationTag> ConversationTags => Set<ConversationTag>();
    public DbSet<OutgoingMessage> OutgoingMessages => Set<OutgoingMessage>();
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();
    public DbSet<OutboundDelivery> OutboundDeliveries => Set<OutboundDelivery>();
    public DbSet<OutboundAttempt> OutboundAttempts => Set<OutboundAttempt>();
    public DbSet<Conversion> Conversions => Set<Conversion>();
    public DbSet<MetaConversionEvent> MetaConversionEvents => Set<MetaConversionEvent>();
    public DbSet<MetaConversionAttempt> MetaConversionAttempts => Set<MetaConversionAttempt>();
    public DbSet<CampaignKey> CampaignKeys => Set<CampaignKey>();
    public DbSet<CampaignDay> CampaignDays => Set<CampaignDay>();
    public DbSet<CampaignHour> CampaignHours => Set<CampaignHour>();
    public DbSet<TouchQuarter> TouchQuarters => Set<TouchQuarter>();
    public DbSet<CampaignVersion> CampaignVersions => Set<CampaignVersion>();
    public DbSet<BusinessAccount> BusinessAccounts => Set<BusinessAccount>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<TeamSettings> TeamSettings => Set<TeamSettings>();
    public DbSet<TrackableLink> TrackableLinks => Set<TrackableLink>();
    public DbSet<TrackableLinkTarget> TrackableLinkTargets => Set<TrackableLinkTarget>();
    public DbSet<LinkScanDay> LinkScanDays => Set<LinkScanDay>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date type; epoch milliseconds sort, compare and index as plain integers,
        // and the hot-path SQL writes the same encoding (see UnixMs).
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<IdentityRole<long>>().HasData(StudioRoles.Seed);

        // The deliveries live in the inbox file (InboxDbContext); this is the view SqliteFiles.Attach creates.
        modelBuilder.Entity<InboundDelivery>(e =>
        {
            e.ToView(DeliveriesView);
            e.Property(d => d.Status).HasConversion<int>();
        });

        modelBuilder.Entity<DeliveryOutcome>(e =>
        {
            e.HasKey(o => o.DeliveryId);
            e.Property(o => o.DeliveryId).ValueGeneratedNever();
            e.Property(o => o.Status).HasConversion<int>();
        });

        modelBuilder.Entity<InboxCursor>(e =>
        {
            e.Property(c => c.Id).ValueGeneratedNever();
            e.HasData(new InboxCursor { Id = 1, LastDeliveryId = 0 });
        });

        // Created empty: the identity is a new GUID written at first start (FilePair), never seeded.
        modelBuilder.Entity<PairIdentity>(e => e.Property(p => p.Id).ValueGeneratedNever());

        modelBuilder.Entity<WebhookEvent>(e =>
        {
            e.Property(x => x.Status).HasConversion<int>();
            e.HasIndex(x => x.DedupKey).IsUnique();
            e.HasIndex(x => new { x.ConversationId, x.OccurredAt });
        });

        modelBuilder.Entity<Conversation>(e =>
        {
            // Participant first: the same key also serves lookups by participant alone, so the processor keeps
            // one index fewer up to date per new conversation.
            e.HasIndex(c => new { c.ParticipantId, c.Platform, c.AccountId }).IsUnique();
            e.HasIndex(c => c.LastActivityAt);
            // The overview counts conversations by when their first referral came (today, the range, per day):
            // both columns in the index, so counting reads the index alone.
            e.HasIndex(c => new { c.FirstReferralAt, c.FirstReferralId });
            e.HasOne(c => c.FirstReferral).WithMany().HasForeignKey(c => c.FirstReferralId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(c => c.LatestReferral).WithMany().HasForeignKey(c => c.LatestReferralId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(c => c.Referrals).WithOne().HasForeignKey(r => r.ConversationId);
        });

        modelBuilder.Entity<ParticipantAlias>(e =>
        {
            // Alias first: participantId= searches look an identifier up without knowing its account.
            e.HasKey(a => new { a.Alias, a.Platform, a.AccountId });
            e.HasIndex(a => a.ConversationId);
            e.HasOne<Conversation>().WithMany().HasForeignKey(a => a.ConversationId);
        });

        modelBuilder.Entity<IdentityEvent>(e =>
        {
            e.HasIndex(i => i.ConversationId);
            e.HasOne<Conversation>().WithMany().HasForeignKey(i => i.ConversationId);
        });

        modelBuilder.Entity<ReferralTouch>(e =>
        {
            // Meta's refs are case-sensitive strings, but marketers search them ignoring case.
            e.Property(r => r.Ref).UseCollation("NOCASE");
            e.HasIndex(r => new { r.ConversationId, r.OccurredAt });
            // Each ref's touches newest first: the feed's by-ref plan (FeedQuery.PrefixPlan.ByRef) meets the
            // newest touches first and rejects the rest with one comparison.
            e.HasIndex(r => new { r.Ref, r.OccurredAt }).IsDescending(false, true);
            e.HasIndex(r => r.OccurredAt);
            e.HasIndex(r => new { r.TriggerId, r.OccurredAt });
            e.HasIndex(r => new { r.Platform, r.OccurredAt });
            e.HasIndex(r => new { r.ParticipantId, r.OccurredAt });
            // The feed's exact search also looks up ad and account ids.
            e.HasIndex(r => new { r.AdId, r.OccurredAt });
            e.HasIndex(r => new { r.AccountId, r.OccurredAt });
            // The extras are one type; each keeps the column named after it, as the hot path's SQL writes them.
            e.ComplexProperty(r => r.Details, details =>
            {
                foreach (var property in details.Metadata.ComplexType.GetProperties())
                {
                    property.SetColumnName(property.Name);
                }
            });
        });

        modelBuilder.Entity<Trigger>(e =>
        {
            // Small string lists are EF Core primitive collections: a JSON array in a TEXT column.
            e.Property(t => t.GreetingMode).HasConversion<int>();
        });

        modelBuilder.Entity<TriggerFiring>(e =>
        {
            e.HasIndex(f => f.ReferralTouchId).IsUnique();
            // Covers the triggers list's conversations per trigger (COUNT(DISTINCT ConversationId) of a page of triggers).
            e.HasIndex(f => new { f.TriggerId, f.ConversationId });
            e.HasIndex(f => f.ConversationId);
        });

        modelBuilder.Entity<ConversationTag>(e =>
        {
            e.HasKey(t => new { t.ConversationId, t.Label });
            e.Property(t => t.Label).UseCollation("NOCASE");
            e.HasIndex(t => t.Label);
        });

        modelBuilder.Entity<OutgoingMessage>(e =>
        {
            e.Property(m => m.Status).HasConversion<int>();
            e.HasIndex(m => m.ReferralTouchId).IsUnique();
            e.HasIndex(m => new { m.Status, m.NextAttemptAt });
            e.HasIndex(m => m.ConversationId);
        });

        modelBuilder.Entity<OutboundDelivery>(e =>
        {
            e.Property(d => d.Status).HasConversion<int>();
            // The dispatcher only ever asks for due pending rows.
            e.HasIndex(d => d.NextAttemptAt).HasFilter("Status = 0").HasDatabaseName("IX_OutboundDeliveries_Due");
            e.HasIndex(d => new { d.SubscriptionId, d.Id });
            e.HasIndex(d => d.CreatedAt);
        });

        modelBuilder.Entity<OutboundAttempt>(e => e.HasIndex(a => a.DeliveryId));

        modelBuilder.Entity<Conversion>(e =>
        {
            e.HasIndex(c => c.ExternalId).IsUnique();
            e.HasIndex(c => c.ConversationId);
            e.HasIndex(c => c.OccurredAt);
            e.HasIndex(c => new { c.Currency, c.OccurredAt });
            e.HasIndex(c => c.FirstTouchId);
            e.HasIndex(c => c.LastTouchId);
        });

        modelBuilder.Entity<MetaConversionEvent>(e =>
        {
            e.Property(m => m.Status).HasConversion<int>();
            // One per conversion: a repeated POST or a second sender never queues it twice.
            e.HasIndex(m => m.ConversionId).IsUnique();
            e.HasIndex(m => m.ConversationId);
            // The sender only ever asks for due pending rows.
            e.HasIndex(m => m.NextAttemptAt).HasFilter("Status = 0").HasDatabaseName("IX_MetaConversionEvents_Due");
        });

        modelBuilder.Entity<MetaConversionAttempt>(e =>
        {
            e.HasIndex(a => a.MetaConversionEventId);
            e.HasIndex(a => a.ConversationId);
        });

        modelBuilder.Entity<CampaignKey>(e =>
        {
            // Grouped like the touches' Ref column: ignoring case.
            e.Property(k => k.Ref).UseCollation("NOCASE");
            e.HasIndex(k => new { k.TriggerId, k.Ref, k.AdId }).IsUnique();
        });

        // Created WITHOUT ROWID by the migration: rows are stored in key order, so a report reads one range.
        modelBuilder.Entity<CampaignDay>(e =>
        {
            e.HasKey(d => new { d.Model, d.Start, d.KeyId });
            e.Property(d => d.Model).HasConversion<int>();
        });

        modelBuilder.Entity<CampaignHour>(e =>
        {
            e.HasKey(h => new { h.Model, h.Start, h.KeyId });
            e.Property(h => h.Model).HasConversion<int>();
        });

        modelBuilder.Entity<TouchQuarter>(e => e.HasKey(q => new { q.Start, q.TriggerId }));

        modelBuilder.Entity<CampaignVersion>(e => e.HasKey(v => new { v.Size, v.Start }));

        modelBuilder.Entity<BusinessAccount>(e => e.HasIndex(a => new { a.Platform, a.AccountId }).IsUnique());

        // No foreign keys: an entry outlives what it names. Indexed for the audit page's filters, each newest first.
        modelBuilder.Entity<AuditEntry>(e =>
        {
            e.HasIndex(a => a.OccurredAt);
            e.HasIndex(a => new { a.EntityType, a.EntityId });
            e.HasIndex(a => new { a.Actor, a.OccurredAt });
            e.HasIndex(a => new { a.Action, a.OccurredAt });
        });

        modelBuilder.Entity<ApiKey>(e => e.HasIndex(k => k.Hash).IsUnique());

        // One row, always there: reading the rules never has to ask whether they exist.
        modelBuilder.Entity<TeamSettings>(e =>
        {
            e.Property(t => t.Id).ValueGeneratedNever();
            e.HasData(new TeamSettings { Id = Auth.TeamSettings.SingleId, RequireTwoStep = false });
        });

        // Slugs are stored lower case, so the unique index alone keeps them unique on both engines.
        modelBuilder.Entity<TrackableLink>(e =>
        {
            e.HasIndex(l => l.Slug).IsUnique();
            e.HasIndex(l => l.Code);
        });

        modelBuilder.Entity<TrackableLinkTarget>(e =>
        {
            e.HasIndex(t => new { t.LinkId, t.ChangedAt });
            e.HasOne<TrackableLink>().WithMany().HasForeignKey(t => t.LinkId);
        });

        // The key is what a flush upserts on; a link's days are one range of it, a report's days one range of the index.
        modelBuilder.Entity<LinkScanDay>(e =>
        {
            e.HasKey(s => new { s.LinkId, s.Day, s.Platform, s.Code, s.Device });
            e.HasIndex(s => s.Day);
            e.HasOne<TrackableLink>().WithMany().HasForeignKey(s => s.LinkId);
        });
    }

    internal sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.ToUnixTimeMilliseconds(),
        v => DateTimeOffset.FromUnixTimeMilliseconds(v));
}

/// <summary>The one time encoding the database uses, shared with hand-written SQL.</summary>
public static class UnixMs
{
    public static long From(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static DateTimeOffset To(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);
}
