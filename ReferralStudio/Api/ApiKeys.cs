using ReferralStudio.Hosting;
using System.Buffers.Text;
using System.Collections.Frozen;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Audit;
using ReferralStudio.Data;

namespace ReferralStudio.Api;

/// <summary>An active key as authentication sees it: no secret, nothing to write back.</summary>
public sealed record ActiveApiKey(long Id, string Name, string Scope);

/// <summary>A key made: the key itself, to show once; or what is wrong with the name or scope.</summary>
public sealed record ApiKeyCreated(string? Key, ApiKey? Row, string? NameError, string? ScopeError)
{
    public bool Succeeded => Key is not null;
}

/// <summary>
/// The dashboard's API keys: made, listed, revoked, and looked up by <see cref="ApiKeyAuthenticationHandler"/>. The
/// active keys' hashes are held in memory and reloaded after every change, so a call costs no database read and a
/// revoked key is refused at once. A singleton that opens a scope per operation.
/// </summary>
public sealed partial class ApiKeys(IServiceScopeFactory scopes, AuditLog audit, ISharedChanges changes, TimeProvider time, ILogger<ApiKeys> logger)
{
    public const string KeyPrefix = "rsk_";
    public const int MaxNameLength = 100;
    public const int PrefixLength = 8;

    /// <summary>How stale <see cref="ApiKey.LastUsedAt"/> may be: a busy client costs one write a minute, not one per call.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _reload = new(1, 1);
    private readonly ConcurrentDictionary<long, DateTimeOffset> _lastWritten = new();
    private volatile FrozenDictionary<string, ActiveApiKey>? _active;

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        // Active first, then newest: the keys in use are the ones looked for.
        var keys = await db.Set<ApiKey>().AsNoTracking().ToListAsync(cancellationToken);
        return [.. keys.OrderBy(k => k.RevokedAt is not null).ThenByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id)];
    }

    public async Task<ApiKeyCreated> CreateAsync(AuditActor by, string? name, string? scope, CancellationToken cancellationToken = default)
    {
        name = name?.Trim() ?? "";
        var nameError = name.Length switch
        {
            0 => "Give the key a name, such as the system that will use it.",
            > MaxNameLength => $"At most {MaxNameLength} characters.",
            _ => null,
        };
        var scopeError = ApiScopes.IsKnown(scope) ? null : "Choose read, write or admin.";
        if (nameError is not null || scopeError is not null)
        {
            return new(null, null, nameError, scopeError);
        }

        var key = KeyPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var row = new ApiKey
        {
            Name = name,
            Scope = scope!,
            Prefix = key[..PrefixLength],
            Hash = Hash(key),
            CreatedAt = time.GetUtcNow(),
            CreatedBy = by.Name,
        };
        await using (var serviceScope = scopes.CreateAsyncScope())
        {
            var db = serviceScope.ServiceProvider.GetRequiredService<AppDbContext>();
            await audit.SaveCreatedAsync(db, by, AuditActions.ApiKeyCreated, row, AuditSnapshot.Of, cancellationToken);
        }

        await ReloadAsync(cancellationToken);
        await changes.AnnounceAsync(SharedState.ApiKeys, cancellationToken);
        LogChange(logger, AuditActions.ApiKeyCreated, row.Id, by.Name);
        return new(key, row, null, null);
    }

    /// <summary>Revokes a key; false when there is no such key or it was already revoked.</summary>
    public async Task<bool> RevokeAsync(AuditActor by, long id, CancellationToken cancellationToken = default)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            if (await db.Set<ApiKey>().FirstOrDefaultAsync(k => k.Id == id, cancellationToken) is not { RevokedAt: null } key)
            {
                return false;
            }

            var before = AuditSnapshot.Of(key);
            key.RevokedAt = time.GetUtcNow();
            audit.Add(db, by, AuditActions.ApiKeyRevoked, before, AuditSnapshot.Of(key), $"Revoked API key '{key.Name}'");
            await db.SaveChangesAsync(cancellationToken);
        }

        await ReloadAsync(cancellationToken);
        await changes.AnnounceAsync(SharedState.ApiKeys, cancellationToken);
        LogChange(logger, AuditActions.ApiKeyRevoked, id, by.Name);
        return true;
    }

    /// <summary>Reads the active keys again (another instance created or revoked one).</summary>
    public Task RefreshAsync(CancellationToken cancellationToken = default) => ReloadAsync(cancellationToken);

    /// <summary>The active key <paramref name="presented"/> is, if any: looked up by its hash, never compared as text.</summary>
    public async ValueTask<ActiveApiKey?> FindAsync(string presented, CancellationToken cancellationToken = default)
    {
        var active = _active ?? await ReloadAsync(cancellationToken);
        return active.GetValueOrDefault(Hash(presented));
    }

    /// <summary>Records a use, writing only when the stored time is older than <see cref="LastUsedResolution"/>.</summary>
    public async Task TouchAsync(long id, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var last = _lastWritten.GetValueOrDefault(id, DateTimeOffset.MinValue);
        // TryUpdate: of concurrent calls on the same key, one writes.
        if (now - last < LastUsedResolution || (!_lastWritten.TryUpdate(id, now, last) && !_lastWritten.TryAdd(id, now)))
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Set<ApiKey>().Where(k => k.Id == id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>
    /// Reads the active keys. Serialized, so that of two changes reloading at once the later read is the one kept (an
    /// earlier read finishing last would bring back a revoked key).
    /// </summary>
    private async Task<FrozenDictionary<string, ActiveApiKey>> ReloadAsync(CancellationToken cancellationToken)
    {
        await _reload.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var active = await db.Set<ApiKey>().AsNoTracking().Where(k => k.RevokedAt == null)
                .Select(k => new { k.Hash, Key = new ActiveApiKey(k.Id, k.Name, k.Scope) })
                .ToListAsync(cancellationToken);
            return _active = active.ToFrozenDictionary(k => k.Hash, k => k.Key, StringComparer.Ordinal);
        }
        finally
        {
            _reload.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API keys: {Action} for key {KeyId} by {Actor}")]
    private static partial void LogChange(ILogger logger, string action, long keyId, string actor);
}
