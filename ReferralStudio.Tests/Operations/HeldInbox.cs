using ReferralStudio.Inbox;

namespace ReferralStudio.Tests.Operations;

/// <summary>
/// The engine's inbox with the processor's reads held at a gate: deliveries are stored and acknowledged as usual, and
/// stay pending until the test calls <see cref="Release"/>. A backlog without timing.
/// </summary>
public sealed class HeldInbox(IInbox inner) : IInbox
{
    private readonly ManualResetEventSlim _gate = new(initialState: false);

    public void Release() => _gate.Set();

    public IInboxAppender OpenAppender() => inner.OpenAppender();

    public IPendingDeliveries OpenPending() => new HeldPending(inner.OpenPending(), _gate);

    public void Forget(IReadOnlyList<long> ids) => inner.Forget(ids);

    private sealed class HeldPending(IPendingDeliveries inner, ManualResetEventSlim gate) : IPendingDeliveries
    {
        public long LastStoredId() => inner.LastStoredId();

        public List<PendingDelivery> ReadAfter(long after)
        {
            // The processor's own thread waits here, as it would behind a slow disk.
            gate.Wait();
            return inner.ReadAfter(after);
        }

        public void Dispose() => inner.Dispose();
    }
}
