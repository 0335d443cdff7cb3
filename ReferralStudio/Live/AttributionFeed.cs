using System.Threading.Channels;

namespace ReferralStudio.Live;

/// <summary>
/// The in-process stream of new attributions: the processor publishes after each commit, the
/// broadcaster forwards them to the SignalR hub, and dashboard components may subscribe. Bounded, so
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

    /// <summary>Raised for each notice, on the publisher's thread; handlers must be quick (components marshal with InvokeAsync).</summary>
    public event Action<AttributionNotice>? Published;

    public void Publish(IReadOnlyList<AttributionNotice> notices)
    {
        foreach (var notice in notices)
        {
            _channel.Writer.TryWrite(notice);
            Published?.Invoke(notice);
        }
    }
}
