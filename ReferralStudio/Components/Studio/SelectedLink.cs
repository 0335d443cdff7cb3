namespace ReferralStudio.Components.Studio;

/// <summary>The link the studio's panel shows a QR code for: what a trackable link would be issued for.</summary>
public sealed record SelectedLink(string Platform, string Account, string Code, string? WhatsAppTemplate);
