namespace ReferralStudio.Links;

/// <summary>QR error correction: L recovers about 7% damage, M 15%, Q 25%, H 30%, at the cost of denser codes.</summary>
public enum EccLevel
{
    L,
    M,
    Q,
    H,
}

/// <summary>
/// How a QR code is printed. <c>SizeMm</c> is the width of the whole image, quiet zone included;
/// <c>QuietZoneModules</c> is the white border around the code (scanners want 4); <c>Caption</c> is
/// text printed under the code, or null for none.
/// </summary>
public sealed record QrOptions(
    double SizeMm = 30,
    int Dpi = 300,
    EccLevel Ecc = EccLevel.M,
    int QuietZoneModules = 4,
    string? Caption = null)
{
    public const double MinSizeMm = 10;
    public const double MaxSizeMm = 500;
    public const int MinDpi = 72;
    public const int MaxDpi = 1200;
    public const int MaxQuietZoneModules = 10;
    public const int MaxCaptionLength = 60;
}
