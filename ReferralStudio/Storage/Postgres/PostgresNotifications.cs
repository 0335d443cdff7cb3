using Npgsql;
using ReferralStudio.Api;
using ReferralStudio.Hosting;
using ReferralStudio.Inbox;
using ReferralStudio.Links.Trackable;
using ReferralStudio.Outbound;
using ReferralStudio.Triggers;

namespace ReferralStudio.Storage.Postgres;

/// <summary>
/// What instances on one database tell each other, through PostgreSQL's <c>NOTIFY</c>: deliveries another instance
/// stored (the leader's processor wakes at once instead of polling) and shared state another instance changed
/// (<see cref="SharedState"/>: reloaded here within the notification's round trip). Notifications are sent inside the
/// transaction that made the change, so they arrive only once it committed.
/// </summary>
internal sealed class PostgresChanges(NpgsqlDataSource database) : ISharedChanges
{
    public const string InboxChannel = "referralstudio_inbox";
    public const string ChangesChannel = "referralstudio_changes";

    public async Task AnnounceAsync(SharedState changed, CancellationToken cancellationToken)
    {
        await using var notify = database.CreateCommand($"SELECT pg_notify('{ChangesChannel}', $1)");
        notify.Parameters.Add(new NpgsqlParameter<string> { TypedValue = changed.ToString() });
        await notify.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>Listens on every instance, on a session of its own; after a lost session it reconnects and reloads everything.</summary>
internal sealed partial class PostgresNotifications(
    NpgsqlDataSource database,
    DeliveryProgress progress,
    TriggerCatalog triggers,
    SubscriptionCatalog subscriptions,
    ApiKeys apiKeys,
    TrackableLinkCatalog links,
    ILogger<PostgresNotifications> logger) : BackgroundService
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ReconnectAfter = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogListenFailed(logger, ex);
                await Task.Delay(ReconnectAfter, TimeProvider.System, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await using var connection = await database.OpenConnectionAsync(stoppingToken);
        connection.Notification += (_, e) => Received(e.Channel, e.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {PostgresChanges.InboxChannel}; LISTEN {PostgresChanges.ChangesChannel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        // Whatever was announced while this session was not listening (at start, or after a lost session) is read now.
        foreach (var state in Enum.GetValues<SharedState>())
        {
            Reload(state);
        }

        progress.Signal();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!await connection.WaitAsync(CheckEvery, stoppingToken))
            {
                // Quiet: make sure the session is still there, or reconnect.
                await using var ping = new NpgsqlCommand("SELECT 1", connection);
                await ping.ExecuteScalarAsync(stoppingToken);
            }
        }
    }

    private void Received(string channel, string payload)
    {
        if (channel == PostgresChanges.InboxChannel)
        {
            if (long.TryParse(payload, out var stored))
            {
                progress.Stored(stored);
            }
        }
        else if (Enum.TryParse<SharedState>(payload, out var state))
        {
            Reload(state);
        }
    }

    // Off the listening session's thread: a reload reads through a connection of its own.
    private void Reload(SharedState state) => _ = Task.Run(async () =>
    {
        try
        {
            await (state switch
            {
                SharedState.Triggers => triggers.ReloadAsync(),
                SharedState.Subscriptions => subscriptions.ReloadAsync(),
                SharedState.TrackableLinks => links.ReloadAsync(),
                _ => apiKeys.RefreshAsync(),
            });
        }
        catch (Exception ex)
        {
            LogReloadFailed(logger, ex, state);
        }
    });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the session listening for other instances' changes; reconnecting")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not reload {State} after another instance changed it")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception, SharedState state);
}
