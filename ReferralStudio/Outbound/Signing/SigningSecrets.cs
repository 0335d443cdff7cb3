using System.Collections.Concurrent;
using ReferralStudio.Security;

namespace ReferralStudio.Outbound.Signing;

/// <summary>
/// The subscriptions' signing secrets in plain form for the dispatcher, decrypted once per stored version rather than on
/// every send (Data Protection's unprotect costs far more than the signature). Each of a subscription's two secrets is
/// kept with the stored value it was read from: a rotation stores new values, which are read afresh and replace the old.
/// Kept in memory only, never logged, and only for the enabled subscriptions (<see cref="KeepOnly"/>): a deleted or disabled
/// one's secrets leave memory at the next reload of the subscriptions. A value that cannot be decrypted is not kept, so it
/// is tried again on the next send.
/// </summary>
public sealed class SigningSecrets(StoredSecrets storedSecrets)
{
    private readonly ConcurrentDictionary<(long Subscription, bool Previous), (string Stored, string Plain)> _read = new();

    /// <summary>
    /// The secrets to sign with at <paramref name="now"/>: the current one, then the previous one while it still signs.
    /// False when one of them cannot be decrypted (the data-protection keys changed).
    /// </summary>
    public bool TryGet(WebhookSubscription subscription, DateTimeOffset now, out string[] secrets)
    {
        secrets = [];
        if (!TryRead(subscription.Id, previous: false, subscription.Secret, out var current))
        {
            return false;
        }

        if (subscription.PreviousSecret is not { } stored || !(subscription.PreviousSecretExpiresAt > now))
        {
            secrets = [current];
            return true;
        }

        if (!TryRead(subscription.Id, previous: true, stored, out var previous))
        {
            return false;
        }

        secrets = [current, previous];
        return true;
    }

    /// <summary>Forgets the secrets of every subscription not in <paramref name="subscriptions"/> (the enabled ones).</summary>
    public void KeepOnly(IReadOnlySet<long> subscriptions)
    {
        foreach (var key in _read.Keys)
        {
            if (!subscriptions.Contains(key.Subscription))
            {
                _read.TryRemove(key, out _);
            }
        }
    }

    private bool TryRead(long subscription, bool previous, string stored, out string plain)
    {
        if (_read.TryGetValue((subscription, previous), out var known) && string.Equals(known.Stored, stored, StringComparison.Ordinal))
        {
            plain = known.Plain;
            return true;
        }

        if (!storedSecrets.TryUnprotect(stored, out var read) || read is null)
        {
            plain = "";
            return false;
        }

        _read[(subscription, previous)] = (stored, read);
        plain = read;
        return true;
    }
}
