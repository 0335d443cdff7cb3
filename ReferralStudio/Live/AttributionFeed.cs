using System.Threading.Channels;

namespace ReferralStudio.Live;

/// <summary>
/// The in-process stream of new attributions: the processor publishes after each commit and the
/// broadcaster forwards them to the SignalR hub, which the live board listens to. Bounded, so
/// a stalled consumer can never hold up attribution: the oldest notices are dropped (clients fill gaps
/// from the database with <see cref="AttributionHub.Since"/>).
/// </summary>
public sealed class AttributionFeed
{
    private readonly Channel<AttributionNotice> _channel = Channel.CreateBounded<AttributionNotice>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    public ChannelReader<AttributionNotice> Reader => _channel.Reader;

    public void Publish(IReadOnlyList<AttributionNotice> notices)
    {
        foreach (var notice in notices)
        {
            _channel.Writer.TryWrite(notice);
        }
    }
}
