using ReferralStudio.Live;
using ReferralStudio.Messaging;
using ReferralStudio.Outbound;

namespace ReferralStudio.Attribution;

/// <summary>Tells the senders and the live board what a transaction queued, once it has committed (never before).</summary>
internal sealed class CommitAnnouncer(OutboundQueue outbound, GreetingSender greetings, AttributionFeed live)
{
    public void Committed(AttributionStore store)
    {
        if (store.QueuedOutbound)
        {
            outbound.Wake();
        }

        if (store.QueuedGreeting)
        {
            greetings.Wake();
        }

        if (store.Notices.Count > 0)
        {
            live.Publish(store.Notices);
        }
    }
}
