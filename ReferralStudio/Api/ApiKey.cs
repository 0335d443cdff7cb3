using System.ComponentModel.DataAnnotations;

namespace ReferralStudio.Api;

/// <summary>
/// A key for <c>/api</c> and the live hub, made in the dashboard. Only its SHA-256 is stored: the key itself is shown
/// once, when it is made. Revoked keys stay listed (and in the audit log) but no longer authenticate.
/// </summary>
public sealed class ApiKey
{
    public long Id { get; set; }

    [MaxLength(ApiKeys.MaxNameLength)]
    public string Name { get; set; } = "";

    /// <summary><see cref="ApiScopes.Read"/>, <see cref="ApiScopes.Write"/> or <see cref="ApiScopes.Admin"/>.</summary>
    [MaxLength(8)]
    public string Scope { get; set; } = ApiScopes.Read;

    /// <summary>The key's first characters, to tell keys apart in the list; too short to help guess the rest.</summary>
    [MaxLength(ApiKeys.PrefixLength)]
    public string Prefix { get; set; } = "";

    /// <summary>SHA-256 of the whole key, lowercase hex.</summary>
    [MaxLength(64)]
    public string Hash { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The email of who made it.</summary>
    [MaxLength(256)]
    public string CreatedBy { get; set; } = "";

    /// <summary>Updated at most once a minute per key, so an API client does not cost a write per call.</summary>
    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
