namespace ReferralStudio.Inbox;

/// <summary>Inbox settings (section <c>Inbox</c>).</summary>
public sealed class InboxOptions
{
    public const string Section = "Inbox";

    /// <summary>
    /// Off when unset: every body is kept. Set (e.g. <c>30.00:00:00</c>), the raw bodies of deliveries the
    /// processor has applied are dropped once they are this old; the rows, their ids and outcomes stay.
    /// </summary>
    public TimeSpan? RetainProcessedBodiesFor { get; set; }
}
