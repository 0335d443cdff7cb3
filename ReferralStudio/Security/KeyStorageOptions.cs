namespace ReferralStudio.Security;

/// <summary>
/// Where ASP.NET Core Data Protection keeps its keys (section <c>DataProtection</c>): they sign the sign-in cookies and
/// antiforgery tokens and encrypt the secrets the database holds (<see cref="StoredSecrets"/>).
/// </summary>
public sealed class KeyStorageOptions
{
    public const string Section = "DataProtection";

    /// <summary>The keys' folder; empty: <c>&lt;main file&gt;.keys/</c> beside the database. Kept out of backups on purpose.</summary>
    public string KeysPath { get; set; } = "";

    /// <summary>A PKCS#12 (.pfx) file whose certificate encrypts the keys at rest; empty: the keys are protected by the folder's permissions only.</summary>
    public string CertificatePath { get; set; } = "";

    public string CertificatePassword { get; set; } = "";
}
