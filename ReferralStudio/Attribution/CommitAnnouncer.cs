using ReferralStudio.Live;
using ReferralStudio.Messaging;
using ReferralStudio.Outbound;

namespace ReferralStudio.Attribution;

/// <summary>Tells the senders and the live board what a transaction queued, once it has committed (never before).</summary>
internal sealed class CommitAnnouncer(OutboundQueue outbound, GreetingSender greetings, AttributionFeed live)
{
    public void Committed(CommittedWork work)
    {
        if (work.QueuedOutbound)
        {
            outbound.Wake();
        }

        if (work.QueuedGreeting)
        {
            greetings.Wake();
        }

        if (work.Notices.Count > 0)
        {
            live.Publish(work.Notices);
        }
    }
}
