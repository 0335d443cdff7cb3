using ReferralStudio.Data;

namespace ReferralStudio.Audit;

/// <summary>
/// Records changes. An entry is added to the caller's context, so the SaveChanges that makes the change saves its
/// entry too: one transaction, and a change without its entry cannot be committed.
/// </summary>
public sealed class AuditLog(TimeProvider time)
{
    /// <summary>
    /// Adds the entry of a change from <paramref name="before"/> (null: created) to <paramref name="after"/> (null:
    /// deleted). Null, and nothing added, when an update changed no audited field.
    /// </summary>
    public AuditEntry? Add(AppDbContext db, AuditActor by, string action, AuditSnapshot? before, AuditSnapshot? after, string? summary = null)
    {
        var subject = after ?? before ?? throw new ArgumentException("A change has a before, an after or both.");
        if (AuditSnapshot.Compare(before, after) is not { } changes)
        {
            return null;
        }

        var entry = new AuditEntry
        {
            OccurredAt = time.GetUtcNow(),
            ActorKind = by.Kind,
            ActorId = by.Id,
            Actor = by.Name,
            Action = action,
            EntityType = subject.EntityType,
            EntityId = subject.EntityId,
            EntityName = subject.Name,
            Summary = summary ?? Describe(subject, before, after, changes),
            Before = changes.Before,
            After = changes.After,
        };
        db.AuditEntries.Add(entry);
        return entry;
    }

    /// <summary>An event with no entity row of its own (loading the demo data): what it did, as the after side.</summary>
    public AuditEntry AddEvent(AppDbContext db, AuditActor by, string action, AuditSnapshot what, string summary) =>
        Add(db, by, action, null, what, summary)!;

    /// <summary>
    /// Inserts <paramref name="entity"/> and the entry of its creation in one transaction: the entry names the id the
    /// database assigns, so the entity is saved first.
    /// </summary>
    public async Task SaveCreatedAsync<T>(AppDbContext db, AuditActor by, string action, T entity, Func<T, AuditSnapshot> snapshot, CancellationToken cancellationToken)
        where T : class
    {
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        db.Add(entity);
        await db.SaveChangesAsync(cancellationToken);
        Add(db, by, action, null, snapshot(entity));
        await db.SaveChangesAsync(cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
    }

    private static string Describe(AuditSnapshot subject, AuditSnapshot? before, AuditSnapshot? after, AuditChanges changes) =>
        (before, after) switch
        {
            (null, _) => $"Created {subject.EntityType} '{subject.Name}'",
            (_, null) => $"Deleted {subject.EntityType} '{subject.Name}'",
            _ => $"Changed {string.Join(", ", changes.Fields)} of {subject.EntityType} '{subject.Name}'",
        };
}
