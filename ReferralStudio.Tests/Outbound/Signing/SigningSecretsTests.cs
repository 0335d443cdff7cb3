using Microsoft.AspNetCore.DataProtection;
using ReferralStudio.Outbound;
using ReferralStudio.Outbound.Signing;
using ReferralStudio.Security;

namespace ReferralStudio.Tests.Outbound.Signing;

/// <summary>The dispatcher signs with the subscription's secrets as stored now, decrypting each stored version once.</summary>
public sealed class SigningSecretsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-20T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private readonly CountingProvider _keys = new();
    private readonly StoredSecrets _stored;
    private readonly SigningSecrets _secrets;

    public SigningSecretsTests()
    {
        _stored = new StoredSecrets(_keys);
        _secrets = new SigningSecrets(_stored);
    }

    [Fact]
    public void A_Stored_Secret_Is_Decrypted_Once_However_Many_Sends_Use_It()
    {
        var subscription = new WebhookSubscription { Id = 7, Secret = _stored.Protect("whsec_current") };

        for (var i = 0; i < 3; i++)
        {
            Assert.True(_secrets.TryGet(subscription, Now, out var secrets));
            Assert.Equal(["whsec_current"], secrets);
        }

        Assert.Equal(1, _keys.Unprotects);
    }

    [Fact]
    public void After_A_Rotation_The_New_Secret_Signs_With_The_Old_One_Until_It_Expires()
    {
        var subscription = new WebhookSubscription { Id = 7, Secret = _stored.Protect("whsec_old") };
        Assert.True(_secrets.TryGet(subscription, Now, out _));

        subscription.PreviousSecret = subscription.Secret;
        subscription.PreviousSecretExpiresAt = Now.AddHours(24);
        subscription.Secret = _stored.Protect("whsec_new");

        Assert.True(_secrets.TryGet(subscription, Now, out var during));
        Assert.Equal(["whsec_new", "whsec_old"], during);
        Assert.True(_secrets.TryGet(subscription, Now.AddHours(24), out var after));
        Assert.Equal(["whsec_new"], after);
    }

    [Fact]
    public void A_Secret_Protected_With_Other_Keys_Is_Refused_Not_Kept()
    {
        var elsewhere = new StoredSecrets(new EphemeralDataProtectionProvider());
        var subscription = new WebhookSubscription { Id = 7, Secret = elsewhere.Protect("whsec_lost") };

        Assert.False(_secrets.TryGet(subscription, Now, out _));
        // Rotated by the operator, as the delivery's error asks: the new secret signs.
        subscription.Secret = _stored.Protect("whsec_rotated");
        Assert.True(_secrets.TryGet(subscription, Now, out var secrets));
        Assert.Equal(["whsec_rotated"], secrets);
    }

    [Fact]
    public void A_Deleted_Or_Disabled_Subscriptions_Secret_Leaves_Memory_At_The_Next_Reload()
    {
        var kept = new WebhookSubscription { Id = 7, Secret = _stored.Protect("whsec_kept") };
        var deleted = new WebhookSubscription { Id = 8, Secret = _stored.Protect("whsec_deleted") };
        Assert.True(_secrets.TryGet(kept, Now, out _));
        Assert.True(_secrets.TryGet(deleted, Now, out _));

        _secrets.KeepOnly(new HashSet<long> { 7 });

        // The kept one is still known (no decryption); the other is decrypted again, as it was no longer held.
        Assert.True(_secrets.TryGet(kept, Now, out _));
        Assert.Equal(2, _keys.Unprotects);
        Assert.True(_secrets.TryGet(deleted, Now, out var again));
        Assert.Equal(["whsec_deleted"], again);
        Assert.Equal(3, _keys.Unprotects);
    }

    /// <summary>Real encryption (ephemeral keys), counting how often a stored value is decrypted.</summary>
    private sealed class CountingProvider : IDataProtectionProvider
    {
        private readonly EphemeralDataProtectionProvider _inner = new();

        public int Unprotects;

        public IDataProtector CreateProtector(string purpose) => new Counting(_inner.CreateProtector(purpose), this);

        private sealed class Counting(IDataProtector inner, CountingProvider owner) : IDataProtector
        {
            public IDataProtector CreateProtector(string purpose) => new Counting(inner.CreateProtector(purpose), owner);

            public byte[] Protect(byte[] plaintext) => inner.Protect(plaintext);

            public byte[] Unprotect(byte[] protectedData)
            {
                Interlocked.Increment(ref owner.Unprotects);
                return inner.Unprotect(protectedData);
            }
        }
    }
}
