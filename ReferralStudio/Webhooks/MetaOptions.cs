using System.ComponentModel.DataAnnotations;

namespace ReferralStudio.Webhooks;

/// <summary>Meta app settings (section <c>Meta</c>; environment: <c>Meta__AppSecret</c>, ...).</summary>
public sealed class MetaOptions
{
    public const string Section = "Meta";

    /// <summary>Key of the HMAC-SHA256 in <c>X-Hub-Signature-256</c>. Required outside Development.</summary>
    public string AppSecret { get; set; } = "";

    /// <summary>The token typed into the App Dashboard for the subscription handshake.</summary>
    public string VerifyToken { get; set; } = "";

    /// <summary>Larger bodies get 413 before they are read. WhatsApp sends up to 3 MB.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>JSON nesting beyond this is refused; Meta's payloads nest about ten levels.</summary>
    [Range(8, 256)]
    public int MaxJsonDepth { get; set; } = 64;
}
