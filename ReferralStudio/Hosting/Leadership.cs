namespace ReferralStudio.Hosting;

/// <summary>
/// The right to do what only one process may do at a time: apply the inbox, send outbound events and greetings, run
/// the retention and alert jobs. Every instance acknowledges webhooks and serves the dashboard; one leads. An engine
/// decides who (<see cref="SingleProcessLeadership"/> on SQLite, whose files one process holds anyway; an advisory
/// lock on PostgreSQL).
/// </summary>
public interface ILeadership
{
    /// <summary>
    /// One attempt to lead: a term (which ends when <see cref="ILeaderTerm.Lost"/> fires or it is disposed), or null while
    /// another process leads.
    /// </summary>
    Task<ILeaderTerm?> TryAcquireAsync(CancellationToken cancellationToken);

    /// <summary>Whether another process leads now, for readiness (this process's own processor answers for itself).</summary>
    Task<bool> IsHeldElsewhereAsync(CancellationToken cancellationToken);
}

/// <summary>One spell of leadership; disposing it hands leadership back.</summary>
public interface ILeaderTerm : IAsyncDisposable
{
    /// <summary>Fires when leadership was lost without being handed back (the database connection that held it broke).</summary>
    CancellationToken Lost { get; }
}

/// <summary>SQLite: the process that holds the files leads from its start to its stop.</summary>
public sealed class SingleProcessLeadership : ILeadership, ILeaderTerm
{
    public CancellationToken Lost => CancellationToken.None;

    public Task<ILeaderTerm?> TryAcquireAsync(CancellationToken cancellationToken) => Task.FromResult<ILeaderTerm?>(this);

    public Task<bool> IsHeldElsewhereAsync(CancellationToken cancellationToken) => Task.FromResult(false);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>What several instances share besides the database: the catalogs each keeps in memory.</summary>
public enum SharedState
{
    Triggers,
    Subscriptions,
    ApiKeys,
    TrackableLinks,
}

/// <summary>
/// Tells the other instances that shared state changed, so they reload it (PostgreSQL: <c>NOTIFY</c>). The instance that
/// made the change has reloaded already. On SQLite there is one instance and nothing to tell.
/// </summary>
public interface ISharedChanges
{
    Task AnnounceAsync(SharedState changed, CancellationToken cancellationToken);
}

public sealed class NoOtherInstances : ISharedChanges
{
    public Task AnnounceAsync(SharedState changed, CancellationToken cancellationToken) => Task.CompletedTask;
}
