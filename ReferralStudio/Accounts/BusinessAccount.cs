namespace ReferralStudio.Accounts;

/// <summary>A business account links are built for and greetings are sent from.</summary>
public sealed class BusinessAccount
{
    public long Id { get; set; }
    public string Platform { get; set; } = "";
    /// <summary>Meta's id: Page id, Instagram account id or WhatsApp phone_number_id.</summary>
    public string AccountId { get; set; } = "";
    /// <summary>Instagram username, Facebook page username or the WhatsApp number (E.164).</summary>
    public string Handle { get; set; } = "";
    public string? AccessToken { get; set; }
    /// <summary>Meta's dataset (Events Manager) the Conversions API events of this account go to.</summary>
    public string? ConversionsDatasetId { get; set; }
    /// <summary>The Conversions API token, encrypted like <see cref="AccessToken"/>; without it conversions are dry runs.</summary>
    public string? ConversionsToken { get; set; }
    /// <summary>WhatsApp only: the WhatsApp Business Account id, which Meta's Conversions API wants beside the click id.</summary>
    public string? WhatsAppBusinessAccountId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Created by the demo data loader (which never takes over an account that already existed); clearing the demo removes it.</summary>
    public bool IsDemo { get; set; }
}
