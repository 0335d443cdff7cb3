using System.Diagnostics.Metrics;

namespace ReferralStudio.Operations;

/// <summary>
/// The Meter "ReferralStudio" and every instrument on it, one definition per concept (served on <c>/metrics</c>, see
/// <see cref="OperationsExtensions"/>). The hot paths call these with no tags or with one cached tag of a static
/// string, so a measurement allocates nothing.
/// </summary>
public sealed class StudioMetrics
{
    public const string MeterName = "ReferralStudio";

    private static readonly double[] AcknowledgementBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Counter<long> _received;
    private readonly Counter<long> _refused;
    private readonly Histogram<double> _acknowledgement;
    private readonly Counter<long> _outboundAttempts;
    private readonly Counter<long> _greetings;
    private readonly Counter<long> _conversionsSent;

    public StudioMetrics(IMeterFactory meters, InboxSignals inbox)
    {
        var meter = meters.Create(MeterName);
        _received = meter.CreateCounter<long>("referralstudio.deliveries.received", "{delivery}",
            "Webhook deliveries stored durably and acknowledged with 200.");
        _refused = meter.CreateCounter<long>("referralstudio.deliveries.refused", "{delivery}",
            "Webhook deliveries answered with an error, by reason.");
        _acknowledgement = meter.CreateHistogram("referralstudio.deliveries.acknowledgement.duration", "s",
            "From the webhook handler's start to its 200: reading the body, the signature check and the durable commit.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = AcknowledgementBuckets });
        meter.CreateObservableGauge("referralstudio.inbox.backlog", inbox.Backlog, "{delivery}",
            "Deliveries stored but not yet processed.");
        meter.CreateObservableGauge("referralstudio.processing.lag", () => inbox.Lag().TotalSeconds, "s",
            "Age of the oldest delivery not yet processed; 0 when the processor has caught up.");
        _outboundAttempts = meter.CreateCounter<long>("referralstudio.outbound.attempts", "{attempt}",
            "Outbound webhook delivery attempts, by the class of the receiver's answer.");
        _greetings = meter.CreateCounter<long>("referralstudio.greetings", "{greeting}",
            "Greetings settled, by outcome.");
        _conversionsSent = meter.CreateCounter<long>("referralstudio.conversions.sent", "{conversion}",
            "Conversions settled with Meta's Conversions API, by outcome.");
    }

    public void Received() => _received.Add(1);

    public void Refused(in KeyValuePair<string, object?> reason) => _refused.Add(1, reason);

    /// <summary>Records the time since <paramref name="startedTimestamp"/> (a <see cref="System.Diagnostics.Stopwatch"/> timestamp).</summary>
    public void Acknowledged(long startedTimestamp) =>
        _acknowledgement.Record(System.Diagnostics.Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds);

    public void OutboundAttempt(int? statusCode) => _outboundAttempts.Add(1, statusCode switch
    {
        >= 200 and < 300 => AttemptStatus.Success,
        >= 300 and < 400 => AttemptStatus.Redirect,
        >= 400 and < 500 => AttemptStatus.ClientError,
        >= 500 and < 600 => AttemptStatus.ServerError,
        _ => AttemptStatus.NoAnswer,
    });

    public void Greeting(in KeyValuePair<string, object?> outcome, long count = 1) => _greetings.Add(count, outcome);

    public void ConversionSent(in KeyValuePair<string, object?> outcome, long count = 1) => _conversionsSent.Add(count, outcome);

    /// <summary>Why a webhook delivery was refused: the <c>reason</c> label's values.</summary>
    public static class RefusalReason
    {
        public static readonly KeyValuePair<string, object?> SignatureMissing = new("reason", "signature_missing");
        public static readonly KeyValuePair<string, object?> SignatureMalformed = new("reason", "signature_malformed");
        public static readonly KeyValuePair<string, object?> SignatureMismatch = new("reason", "signature_mismatch");
        public static readonly KeyValuePair<string, object?> TooLarge = new("reason", "too_large");
        public static readonly KeyValuePair<string, object?> MalformedBody = new("reason", "malformed_body");
        public static readonly KeyValuePair<string, object?> NotStored = new("reason", "not_stored");
        public static readonly KeyValuePair<string, object?> RateLimited = new("reason", "rate_limited");
    }

    /// <summary>The <c>status</c> label of outbound attempts: the answer's class, or none.</summary>
    public static class AttemptStatus
    {
        public static readonly KeyValuePair<string, object?> Success = new("status", "2xx");
        public static readonly KeyValuePair<string, object?> Redirect = new("status", "3xx");
        public static readonly KeyValuePair<string, object?> ClientError = new("status", "4xx");
        public static readonly KeyValuePair<string, object?> ServerError = new("status", "5xx");
        public static readonly KeyValuePair<string, object?> NoAnswer = new("status", "no_answer");
    }

    /// <summary>The <c>outcome</c> label of greetings.</summary>
    public static class GreetingOutcome
    {
        public static readonly KeyValuePair<string, object?> Sent = new("outcome", "sent");
        public static readonly KeyValuePair<string, object?> DryRun = new("outcome", "dry_run");
        public static readonly KeyValuePair<string, object?> Failed = new("outcome", "failed");
        public static readonly KeyValuePair<string, object?> Expired = new("outcome", "expired");
        public static readonly KeyValuePair<string, object?> Uncertain = new("outcome", "uncertain");
    }

    /// <summary>The <c>outcome</c> label of conversions sent to Meta.</summary>
    public static class ConversionOutcome
    {
        public static readonly KeyValuePair<string, object?> Sent = new("outcome", "sent");
        public static readonly KeyValuePair<string, object?> DryRun = new("outcome", "dry_run");
        public static readonly KeyValuePair<string, object?> Failed = new("outcome", "failed");
        public static readonly KeyValuePair<string, object?> Uncertain = new("outcome", "uncertain");
    }
}
