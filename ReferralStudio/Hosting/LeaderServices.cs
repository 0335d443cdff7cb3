using Microsoft.Extensions.Options;

namespace ReferralStudio.Hosting;

/// <summary>
/// Runs the hosted services only the leader runs (<see cref="LeaderServicesExtensions.AddLeaderService{T}"/>): started,
/// in the order they were added, when this process becomes the leader, stopped when it loses leadership or stops, and
/// started again when it leads again. A process that leads from the start (SQLite, or the first instance on PostgreSQL)
/// starts them within the host's start, as any hosted service; the others try again every
/// <see cref="LeadershipOptions.RetryEvery"/> of real time (not the app's clock, which tests move by hand), so a leader that dies is replaced within that time and the
/// database's own detection of it.
/// </summary>
public sealed partial class LeaderServices(
    ILeadership leadership,
    IEnumerable<LeaderService> registrations,
    IServiceProvider services,
    IOptions<LeadershipOptions> options,
    ILogger<LeaderServices> logger) : IHostedService, IDisposable
{

    private readonly CancellationTokenSource _stopping = new();
    private IHostedService[] _services = [];
    private Task _leading = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _services = [.. registrations.Select(r => r.Resolve(services))];
        var term = await leadership.TryAcquireAsync(cancellationToken);
        if (term is not null)
        {
            await StartServicesAsync(cancellationToken);
        }
        else
        {
            LogWaiting(logger);
        }

        _leading = LeadAsync(term);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _leading.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Holds each term until it is lost or the app stops, then tries for the next.</summary>
    private async Task LeadAsync(ILeaderTerm? term)
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            if (term is null)
            {
                await Task.Delay(options.Value.RetryEvery, TimeProvider.System, stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (stopping.IsCancellationRequested)
                {
                    return;
                }

                try
                {
                    term = await leadership.TryAcquireAsync(stopping);
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    LogAttemptFailed(logger, ex);
                }

                if (term is null)
                {
                    continue;
                }

                LogLeading(logger);
                await StartServicesAsync(stopping);
            }

            await using (term)
            {
                using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping, term.Lost);
                await Task.Delay(Timeout.Infinite, either.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (!stopping.IsCancellationRequested)
                {
                    LogLost(logger);
                }

                // Stopped before the term is handed back: nothing of ours runs once another process may lead.
                await StopServicesAsync();
            }

            term = null;
        }
    }

    private async Task StartServicesAsync(CancellationToken cancellationToken)
    {
        foreach (var service in _services)
        {
            await service.StartAsync(cancellationToken);
        }
    }

    private async Task StopServicesAsync()
    {
        foreach (var service in _services.Reverse())
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    public void Dispose() => _stopping.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Another instance leads: this one acknowledges webhooks and serves the dashboard, and takes over if the leader goes")]
    private static partial void LogWaiting(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "This instance leads now: it applies the inbox and sends outbound events and greetings")]
    private static partial void LogLeading(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This instance lost leadership (its database session broke): its processor and senders stopped until it leads again")]
    private static partial void LogLost(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ask the database who leads; trying again")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception);
}

/// <summary>A hosted service only the leader runs, resolved when <see cref="LeaderServices"/> starts.</summary>
public sealed record LeaderService(Func<IServiceProvider, IHostedService> Resolve);

public static class LeaderServicesExtensions
{
    /// <summary>Runs <typeparamref name="T"/> (a singleton registered elsewhere) only while this process leads.</summary>
    public static IServiceCollection AddLeaderService<T>(this IServiceCollection services)
        where T : class, IHostedService =>
        services.AddSingleton(new LeaderService(sp => sp.GetRequiredService<T>()));

    /// <summary>After every other hosted service: the leader's work starts once the receiver and the board are up.</summary>
    public static WebApplicationBuilder AddLeadership(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LeadershipOptions>().BindConfiguration(LeadershipOptions.Section).ValidateRules(o => o.Rules());
        builder.Services.AddHostedService<LeaderServices>();
        return builder;
    }
}
