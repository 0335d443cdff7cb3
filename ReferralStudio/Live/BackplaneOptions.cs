using StackExchange.Redis;

namespace ReferralStudio.Live;

/// <summary>
/// The live hub's Redis backplane (section <c>Redis</c>). Unset, the hub serves the boards connected to this
/// instance only; set, every instance publishes its attributions through Redis and a board connected to any
/// instance sees them all.
/// </summary>
public sealed class BackplaneOptions
{
    public const string Section = "Redis";

    /// <summary>A StackExchange.Redis configuration string, such as <c>redis.internal:6379,password=...</c>.</summary>
    public string? Connection { get; set; }

    /// <summary>Prefix of the Redis channels, so deployments sharing one Redis (staging, production) stay apart.</summary>
    public string ChannelPrefix { get; set; } = "ReferralStudio";

    public bool Enabled => !string.IsNullOrWhiteSpace(Connection);

    /// <summary>The parsed connection, for a setting <see cref="Rules"/> accepts.</summary>
    public ConfigurationOptions Parse()
    {
        var configuration = ConfigurationOptions.Parse(Connection!);
        // Keep trying in the background when Redis is down at start or goes away later (StackExchange.Redis
        // otherwise gives up after the first failed connect); the receiver never waits for Redis either way.
        configuration.AbortOnConnectFail = false;
        return configuration;
    }

    internal IEnumerable<string?> Rules() =>
    [
        Enabled ? ConnectionRule() : null,
        string.IsNullOrWhiteSpace(ChannelPrefix) ? $"{Section}:ChannelPrefix must not be empty." : null,
    ];

    private string? ConnectionRule()
    {
        const string example = "such as 127.0.0.1:6379 or redis.internal:6379,password=...";
        try
        {
            return Parse().EndPoints.Count > 0
                ? null
                : $"{Section}:Connection names no Redis server; give host:port, {example}.";
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return $"{Section}:Connection is not a Redis connection string, {example} ({ex.Message}).";
        }
    }
}
