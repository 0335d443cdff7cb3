namespace ReferralStudio.Links;

/// <summary>One affiliate: the name as given (trimmed) and the code made from it.</summary>
public sealed record KitEntry(string Name, string Code);

/// <summary>Names read from pasted text or a CSV, or why they could not be used.</summary>
public sealed record NameList(IReadOnlyList<string> Names, string? Error);

/// <summary>What goes under each QR code in a kit.</summary>
public enum KitCaption
{
    Code,
    Name,
    None,
}

/// <summary>
/// What an affiliate kit links to. The QR codes open <see cref="Platform"/>, whose account must be given;
/// every account given also gets a link column in codes.csv. <see cref="Qr"/>'s own caption is ignored:
/// <see cref="Caption"/> picks it per code. <see cref="Timestamp"/> dates the ZIP's files; without it they
/// carry a fixed date, so the same kit always gives the same bytes.
/// </summary>
public sealed record KitOptions(
    string Platform,
    string? InstagramUsername = null,
    string? MessengerPage = null,
    string? WhatsAppNumber = null,
    string? WhatsAppTemplate = null,
    QrOptions? Qr = null,
    KitCaption Caption = KitCaption.Code,
    DateTimeOffset? Timestamp = null);
