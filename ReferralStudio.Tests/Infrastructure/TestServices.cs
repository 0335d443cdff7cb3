using StackExchange.Redis;

namespace ReferralStudio.Tests.Infrastructure;

/// <summary>
/// Where the services the tests need run: scripts/services.sh (run by scripts/test.sh) starts Debian's redis-server
/// and PostgreSQL on loopback and exports these variables; a plain <c>dotnet test</c> after it has run once gets the
/// same values as defaults. A service that does not answer fails the test with what to do, never skips it.
/// </summary>
public static class TestServices
{
    public static string Redis { get; } = Setting("REFERRALSTUDIO_TEST_REDIS", "127.0.0.1:6379");

    public static string Postgres { get; } = Setting(
        "REFERRALSTUDIO_TEST_POSTGRES", "Host=127.0.0.1;Port=5432;Username=referralstudio;Password=referralstudio;Database=referralstudio_test");

    /// <summary><see cref="Redis"/>, once it has answered a PING.</summary>
    public static async Task<string> RedisAnsweringAsync()
    {
        try
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(Redis);
            await redis.GetDatabase().PingAsync();
            return Redis;
        }
        catch (RedisException ex)
        {
            throw new InvalidOperationException(
                $"Redis at {Redis} (REFERRALSTUDIO_TEST_REDIS) does not answer: run ./scripts/services.sh as root, or ./scripts/test.sh. {ex.Message}", ex);
        }
    }

    private static string Setting(string variable, string fallback) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : fallback;
}
