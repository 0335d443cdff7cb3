using Microsoft.EntityFrameworkCore;
using ReferralStudio.Api;
using ReferralStudio.Audit;
using ReferralStudio.Data;
using ReferralStudio.Triggers.Matching;

namespace ReferralStudio.Triggers;

/// <summary>What saving a trigger came to: the trigger, or the errors that stopped it; warnings either way.</summary>
public sealed record TriggerSaveResult(Trigger? Trigger, FieldErrors Errors, IReadOnlyList<string> Warnings)
{
    public bool Saved => Trigger is not null && !Errors.Any;
}

/// <summary>
/// What checking a draft found: field errors (a duplicate or a never-firing pattern is one), warnings, and every
/// clash with another trigger, so a UI can link the trigger each message names.
/// </summary>
public sealed record TriggerCheck(FieldErrors Errors, List<string> Warnings, TriggerDraft Draft, IReadOnlyList<ShadowFinding> Clashes)
{
    /// <summary>Duplicate and Shadowed findings refuse the save; the others only warn.</summary>
    public static bool Blocks(ShadowFinding finding) => finding.Kind is ShadowKind.Duplicate or ShadowKind.Shadowed;
}

/// <summary>
/// Creating, changing and deleting triggers, shared by the API and the dashboard so both refuse the
/// same things with the same words, and both swap the live matcher after a change. Each change is audited in
/// its own transaction, naming <c>by</c>.
/// </summary>
public sealed class TriggerService(IDbContextFactory<AppDbContext> contexts, TriggerCatalog catalog, AuditLog audit, TimeProvider time)
{
    /// <summary>Validation plus duplicate and shadowing checks against the other enabled triggers.</summary>
    public static TriggerCheck Check(
        TriggerRequest request, long? id, IEnumerable<TriggerDefinition> enabledOthers, DateTimeOffset? createdAt = null)
    {
        var errors = new FieldErrors();
        var draft = TriggerDraft.Validate(request, errors);
        var warnings = new List<string>();
        if (errors.Any || !draft.Enabled)
        {
            return new(errors, warnings, draft, []);
        }

        var candidate = new TriggerDefinition(id ?? 0, draft.Name, draft.Pattern, draft.Platforms, draft.AdIds, draft.Priority, createdAt ?? DateTimeOffset.MaxValue);
        var clashes = Shadowing.Check(candidate, enabledOthers.Where(o => o.Id != id)).Findings;
        foreach (var finding in clashes)
        {
            if (TriggerCheck.Blocks(finding))
            {
                errors.Add("pattern", finding.Message);
            }
            else
            {
                warnings.Add(finding.Message);
            }
        }

        return new(errors, warnings, draft, clashes);
    }

    public async Task<List<TriggerDefinition>> EnabledDefinitionsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var enabled = await db.Triggers.AsNoTracking().Where(t => t.Enabled).ToListAsync(cancellationToken);
        return enabled.Select(TriggerCatalog.ToDefinition).ToList();
    }

    public Task<TriggerSaveResult> CreateAsync(AuditActor by, TriggerRequest request, CancellationToken cancellationToken = default) =>
        CreateAsync(by, request, demo: false, cancellationToken);

    /// <summary>Creates a trigger; <paramref name="demo"/> marks the demo data set's, the only ones clearing the demo removes.</summary>
    public async Task<TriggerSaveResult> CreateAsync(AuditActor by, TriggerRequest request, bool demo, CancellationToken cancellationToken = default)
    {
        var (errors, warnings, draft, _) = Check(request, null, await EnabledDefinitionsAsync(cancellationToken));
        if (errors.Any)
        {
            return new(null, errors, warnings);
        }

        var now = time.GetUtcNow();
        var trigger = new Trigger { CreatedAt = now, UpdatedAt = now, IsDemo = demo };
        draft.CopyTo(trigger);
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await audit.SaveCreatedAsync(db, by, AuditActions.TriggerCreated, trigger, AuditSnapshot.Of, cancellationToken);
        }

        await catalog.ChangedAsync(cancellationToken);
        return new(trigger, errors, warnings);
    }

    /// <summary>Null when there is no such trigger.</summary>
    public async Task<TriggerSaveResult?> UpdateAsync(AuditActor by, long id, TriggerRequest request, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var trigger = await db.Triggers.SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (trigger is null)
        {
            return null;
        }

        var others = await db.Triggers.AsNoTracking().Where(t => t.Enabled && t.Id != id).ToListAsync(cancellationToken);
        var (errors, warnings, draft, _) = Check(request, id, others.Select(TriggerCatalog.ToDefinition), trigger.CreatedAt);
        if (errors.Any)
        {
            return new(null, errors, warnings);
        }

        var before = AuditSnapshot.Of(trigger);
        draft.CopyTo(trigger);
        trigger.UpdatedAt = time.GetUtcNow();
        var after = AuditSnapshot.Of(trigger);
        audit.Add(db, by, UpdateAction(before, after, trigger.Enabled), before, after);
        await db.SaveChangesAsync(cancellationToken);
        await catalog.ChangedAsync(cancellationToken);
        return new(trigger, errors, warnings);
    }

    public async Task<bool> DeleteAsync(AuditActor by, long id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var trigger = await db.Triggers.SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (trigger is null)
        {
            return false;
        }

        // History stays: touches and firings keep the trigger's id for analytics.
        db.Triggers.Remove(trigger);
        audit.Add(db, by, AuditActions.TriggerDeleted, AuditSnapshot.Of(trigger), null);
        await db.SaveChangesAsync(cancellationToken);
        await catalog.ChangedAsync(cancellationToken);
        return true;
    }

    // The list's switch changes only Enabled: said as enabled/disabled, so the log reads as what the person did.
    private static string UpdateAction(AuditSnapshot before, AuditSnapshot after, bool enabled) =>
        AuditSnapshot.Compare(before, after)?.Fields is ["enabled"]
            ? enabled ? AuditActions.TriggerEnabled : AuditActions.TriggerDisabled
            : AuditActions.TriggerUpdated;

    public static TriggerRequest ToRequest(Trigger t) => new(
        t.Name, t.Pattern, t.Platforms, t.AdIds, t.Priority, t.Enabled,
        new TriggerActionsDto(t.Tags, t.GreetingText is null ? null : new GreetingDto(t.GreetingText, GreetingModes.Name(t.GreetingMode))));
}
