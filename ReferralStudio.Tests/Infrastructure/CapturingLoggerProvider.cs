using Microsoft.Extensions.Logging;

namespace ReferralStudio.Tests.Infrastructure;

/// <summary>
/// Keeps every log entry the app writes (category, level, message, the structured values, scopes and
/// exception), so a test can look for what must never be logged. Configured as "Capture" in Logging settings.
/// </summary>
[ProviderAlias("Capture")]
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly List<Entry> _entries = [];
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    /// <summary>One entry; <see cref="Text"/> is everything it carries, as text.</summary>
    public sealed record Entry(string Category, LogLevel Level, string Message, string Text);

    public IReadOnlyList<Entry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            var parts = new List<string?> { message, state?.ToString(), exception?.ToString() };
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                parts.AddRange(values.Select(v => $"{v.Key}={v.Value}"));
            }

            provider._scopes.ForEachScope((scope, list) => list.Add(scope?.ToString()), parts);
            lock (provider._entries)
            {
                provider._entries.Add(new Entry(category, logLevel, message, string.Join('\n', parts)));
            }
        }
    }
}
