using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralStudio.Api;
using ReferralStudio.Audit;
using ReferralStudio.Data;
using ReferralStudio.Platforms;

namespace ReferralStudio.Links.Trackable;

/// <summary>Where a link should lead: what <see cref="LinkBuilder.Build"/> takes.</summary>
public sealed record LinkTarget(string Platform, string Account, string Code, string? WhatsAppTemplate)
{
    public static LinkTarget Of(TrackableLink l) => new(l.Platform, l.Account, l.Code, l.WhatsAppTemplate);

    public static LinkTarget Of(TrackableLinkTarget t) => new(t.Platform, t.Account, t.Code, t.WhatsAppTemplate);

    /// <summary>The ig.me / m.me / wa.me link, or the field at fault (platform, account, code or template) and why.</summary>
    public LinkResult Build() => LinkBuilder.Build(Platform, Account, Code, WhatsAppTemplate);

    /// <summary>Trimmed and lower-cased where the builder ignores case; the template only for WhatsApp, null for the default.</summary>
    public LinkTarget Normalized()
    {
        var platform = Platform.Trim().ToLowerInvariant();
        var template = platform == PlatformNames.WhatsApp && !string.IsNullOrWhiteSpace(WhatsAppTemplate) && WhatsAppTemplate != LinkBuilder.DefaultWhatsAppTemplate
            ? WhatsAppTemplate
            : null;
        return new(platform, Account.Trim(), Code.Trim(), template);
    }
}

/// <summary>A change to a link: a new target (any field left null keeps the current one), and/or enabled or disabled.</summary>
public sealed record LinkChange(string? Platform = null, string? Account = null, string? Code = null, string? WhatsAppTemplate = null, bool? Enabled = null)
{
    public bool ChangesTarget => Platform is not null || Account is not null || Code is not null || WhatsAppTemplate is not null;
}

/// <summary>What saving a link came to: the link, or the fields at fault.</summary>
public sealed record LinkSaveResult(TrackableLink? Link, FieldErrors Errors);

/// <summary>A link with its scans so far and, when a public address is set, the address to print.</summary>
public sealed record LinkSummary(TrackableLink Link, string? ShortUrl, string? TargetUrl, long Scans);

/// <summary>Scans on one day by platform and device class.</summary>
public sealed record LinkScanRow(DateOnly Day, string Platform, string Device, long Scans);

/// <summary>
/// Issuing, re-pointing, enabling and disabling trackable links, shared by the API and the studio so both refuse the
/// same things with the same words; each change swaps the in-memory routes (here and on the other instances).
/// </summary>
public sealed class TrackableLinks(
    IDbContextFactory<AppDbContext> contexts,
    TrackableLinkCatalog catalog,
    IOptions<LinkOptions> options,
    AuditLog audit,
    TimeProvider time)
{
    private const int GenerateAttempts = 5;

    public LinkOptions Options => options.Value;

    /// <summary>Checks the target; adds the builder's complaint under its field name.</summary>
    public static LinkTarget? Validate(LinkTarget target, FieldErrors errors)
    {
        var normalized = target.Normalized();
        var built = normalized.Build();
        if (!built.IsValid)
        {
            errors.Add(built.Field!, built.Error!);
            return null;
        }

        return normalized;
    }

    /// <summary>Issues a link for a code; <paramref name="slug"/> null or empty makes one.</summary>
    public async Task<LinkSaveResult> CreateAsync(AuditActor by, string? slug, LinkTarget target, CancellationToken cancellationToken = default)
    {
        var errors = new FieldErrors();
        var chosen = string.IsNullOrEmpty(slug) ? null : slug.Trim();
        if (chosen is not null)
        {
            errors.Check("slug", LinkSlugs.Validate(chosen));
        }

        var valid = Validate(target, errors);
        if (errors.Any)
        {
            return new(null, errors);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (chosen is not null && await db.TrackableLinks.AnyAsync(l => l.Slug == chosen, cancellationToken))
        {
            errors.Add("slug", $"The slug '{chosen}' is taken; choose another, or leave it empty to have one made.");
            return new(null, errors);
        }

        for (var attempt = 1; ; attempt++)
        {
            var now = time.GetUtcNow();
            var link = new TrackableLink
            {
                Slug = chosen ?? LinkSlugs.Generate(),
                Platform = valid!.Platform,
                Account = valid.Account,
                Code = valid.Code,
                WhatsAppTemplate = valid.WhatsAppTemplate,
                CreatedAt = now,
                UpdatedAt = now,
            };
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                db.TrackableLinks.Add(link);
                await db.SaveChangesAsync(cancellationToken);
                db.TrackableLinkTargets.Add(History(link, now, by));
                audit.Add(db, by, AuditActions.LinkCreated, null, AuditSnapshot.Of(link));
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (DbUpdateException) when (attempt < GenerateAttempts)
            {
                db.ChangeTracker.Clear();
                if (!await SlugTakenAsync(link.Slug, cancellationToken))
                {
                    throw;
                }

                if (chosen is not null)
                {
                    errors.Add("slug", $"The slug '{chosen}' was just taken; choose another.");
                    return new(null, errors);
                }

                continue;
            }

            await catalog.ChangedAsync(cancellationToken);
            return new(link, errors);
        }
    }

    /// <summary>Re-points and/or enables or disables a link; null when there is no such link.</summary>
    public async Task<LinkSaveResult?> UpdateAsync(AuditActor by, string slug, LinkChange change, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var link = await db.TrackableLinks.SingleOrDefaultAsync(l => l.Slug == slug.ToLowerInvariant(), cancellationToken);
        if (link is null)
        {
            return null;
        }

        var errors = new FieldErrors();
        var now = time.GetUtcNow();
        var before = AuditSnapshot.Of(link);
        if (change.ChangesTarget)
        {
            var current = LinkTarget.Of(link);
            var platform = change.Platform ?? current.Platform;
            var requested = new LinkTarget(
                platform,
                change.Account ?? current.Account,
                change.Code ?? current.Code,
                change.WhatsAppTemplate ?? (platform == current.Platform ? current.WhatsAppTemplate : null));
            var valid = Validate(requested, errors);
            if (errors.Any)
            {
                return new(null, errors);
            }

            if (valid != current)
            {
                (link.Platform, link.Account, link.Code, link.WhatsAppTemplate) = (valid!.Platform, valid.Account, valid.Code, valid.WhatsAppTemplate);
                db.TrackableLinkTargets.Add(History(link, now, by));
            }
        }

        if (change.Enabled is { } enabled)
        {
            link.Enabled = enabled;
        }

        if (db.ChangeTracker.HasChanges())
        {
            link.UpdatedAt = now;
            audit.Add(db, by, AuditActions.LinkUpdated, before, AuditSnapshot.Of(link));
            await db.SaveChangesAsync(cancellationToken);
            await catalog.ChangedAsync(cancellationToken);
        }

        return new(link, errors);
    }

    public async Task<List<LinkSummary>> ListAsync(string? code = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.TrackableLinks.AsNoTracking();
        if (code is not null)
        {
            query = query.Where(l => l.Code == code);
        }

        var links = await query.OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id).ToListAsync(cancellationToken);
        var ids = links.Select(l => l.Id).ToList();
        var totals = await db.LinkScanDays.Where(s => ids.Contains(s.LinkId))
            .GroupBy(s => s.LinkId).Select(g => new { g.Key, Scans = g.Sum(s => s.Scans) })
            .ToDictionaryAsync(t => t.Key, t => t.Scans, cancellationToken);
        return links.Select(l => Summarize(l, totals.GetValueOrDefault(l.Id))).ToList();
    }

    public async Task<LinkSummary?> GetAsync(string slug, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var link = await db.TrackableLinks.AsNoTracking().SingleOrDefaultAsync(l => l.Slug == slug.ToLowerInvariant(), cancellationToken);
        if (link is null)
        {
            return null;
        }

        var scans = await db.LinkScanDays.Where(s => s.LinkId == link.Id).SumAsync(s => s.Scans, cancellationToken);
        return Summarize(link, scans);
    }

    /// <summary>The targets the link has had, newest first.</summary>
    public async Task<List<TrackableLinkTarget>> HistoryAsync(long linkId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.TrackableLinkTargets.AsNoTracking().Where(t => t.LinkId == linkId)
            .OrderByDescending(t => t.ChangedAt).ThenByDescending(t => t.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Counted scans per day (both bounds included, either may be open), oldest day first.</summary>
    public async Task<List<LinkScanRow>> ScansAsync(long linkId, DateOnly? from, DateOnly? to, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.LinkScanDays.AsNoTracking().Where(s => s.LinkId == linkId);
        if (from is { } first)
        {
            query = query.Where(s => s.Day >= first);
        }

        if (to is { } last)
        {
            query = query.Where(s => s.Day <= last);
        }

        var rows = await query.ToListAsync(cancellationToken);
        return rows.OrderBy(r => r.Day).ThenBy(r => r.Platform, StringComparer.Ordinal).ThenBy(r => r.Device, StringComparer.Ordinal)
            .Select(r => new LinkScanRow(r.Day, r.Platform, r.Device, r.Scans)).ToList();
    }

    public LinkSummary Summarize(TrackableLink link, long scans) =>
        new(link, options.Value.CanIssue ? options.Value.ShortUrl(link.Slug) : null, LinkTarget.Of(link).Build().Url, scans);

    private async Task<bool> SlugTakenAsync(string slug, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.TrackableLinks.AnyAsync(l => l.Slug == slug, cancellationToken);
    }

    private static TrackableLinkTarget History(TrackableLink link, DateTimeOffset at, AuditActor by) => new()
    {
        LinkId = link.Id,
        Platform = link.Platform,
        Account = link.Account,
        Code = link.Code,
        WhatsAppTemplate = link.WhatsAppTemplate,
        ChangedAt = at,
        ChangedBy = by.Kind == AuditActor.UserKind ? by.Name : $"{by.Kind}: {by.Name}",
    };
}
