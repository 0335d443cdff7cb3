using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Attribution;

/// <summary>WhatsApp settings (section <c>WhatsApp</c>).</summary>
public sealed class WhatsAppOptions
{
    public const string Section = "WhatsApp";

    /// <summary>
    /// Finds the code in the first inbound text of an organic wa.me conversation; the group named
    /// <c>ref</c> holds it. Default: <c>ref: code</c>, <c>ref:code</c> or <c>ref=code</c>, any case.
    /// </summary>
    public string TextRefPattern { get; set; } = PrefilledTextRefExtractor.DefaultPattern;
}
