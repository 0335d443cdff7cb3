using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using ReferralStudio.Api;
using ReferralStudio.Auth;

namespace ReferralStudio.Links;

public sealed record LinkDto(string Platform, string Account, string Ref, string Url, string TrackingNote);

/// <summary>
/// The query of <c>/api/links</c>, and the link half of <c>/api/links/qr</c>'s, as sent: read as strings so
/// that a 400 names each bad field ([Required] only documents: <see cref="LinkBuilder"/> reports a missing one).
/// </summary>
public sealed class LinkQuery
{
    [FromQuery(Name = "platform"), Required, Description("instagram, messenger or whatsapp.")]
    public string? Platform { get; init; }

    [FromQuery(Name = "account"), Required, Description("The Instagram username, the Page username or the WhatsApp number itself.")]
    public string? Account { get; init; }

    [FromQuery(Name = "ref"), Required, Description("An exact ref code (a pattern has no single link).")]
    public string? Ref { get; init; }

    [FromQuery(Name = "template"), Description("WhatsApp only: the prefilled message, which must keep 'ref: {ref}' (default 'Hi! ref: {ref}').")]
    public string? Template { get; init; }
}

/// <summary>
/// The print settings of <c>/api/links/qr</c> as sent; the link's own fields come in a <see cref="LinkQuery"/>
/// beside it. Two [AsParameters] rather than a subclass: inherited properties would come after these in the
/// document, and a reader looks for the required link fields first.
/// </summary>
public sealed class QrPrintQuery
{
    [FromQuery(Name = "format"), Description("png (the default) or svg.")]
    public string? Format { get; init; }

    [FromQuery(Name = "sizeMm"), Description("Width of the whole image in millimetres, 10 to 500 (default 30).")]
    public string? SizeMm { get; init; }

    [FromQuery(Name = "dpi"), Description("PNG resolution, 72 to 1200 (default 300).")]
    public string? Dpi { get; init; }

    [FromQuery(Name = "ecc"), Description("Error correction L, M (the default), Q or H.")]
    public string? Ecc { get; init; }

    [FromQuery(Name = "quietZone"), Description("White border in modules, 0 to 10 (default 4).")]
    public string? QuietZone { get; init; }

    [FromQuery(Name = "caption"), Description("Text printed under the code in DejaVu Sans, at most 60 characters: Latin, Greek and Cyrillic print; emoji and CJK are refused, naming the characters.")]
    public string? Caption { get; init; }

    /// <summary>The query-string fields that ask for <paramref name="qr"/> in <paramref name="format"/>, as this class reads them.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Fields(QrOptions qr, string format) =>
    [
        new("format", format),
        new("sizeMm", qr.SizeMm.ToString(CultureInfo.InvariantCulture)),
        new("dpi", qr.Dpi.ToString(CultureInfo.InvariantCulture)),
        new("ecc", qr.Ecc.ToString()),
        new("quietZone", qr.QuietZoneModules.ToString(CultureInfo.InvariantCulture)),
        new("caption", qr.Caption),
    ];

    /// <summary><c>a=1&amp;b=2</c> of the fields that have a value, escaped.</summary>
    public static string QueryString(IEnumerable<KeyValuePair<string, string?>> fields) =>
        string.Join("&", fields.Where(q => !string.IsNullOrEmpty(q.Value)).Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value!)}"));
}

/// <summary>A QR request read from a query string, validated field by field.</summary>
public sealed record QrRequest(string Platform, string Account, string Ref, string Url, string Format, QrOptions Options)
{
    public string FileName => $"{Ref}-{Platform}.{Format}";

    public static (QrRequest? Request, FieldErrors Errors) Read(LinkQuery linkQuery, QrPrintQuery print)
    {
        var errors = new FieldErrors();
        var link = ReadLink(linkQuery, errors);
        var (format, options) = ReadPrint(print, errors);
        if (errors.Any || link is null)
        {
            return (null, errors);
        }

        return (new QrRequest(link.Platform, link.Account, link.Ref, link.Url, format, options), errors);
    }

    /// <summary>The print settings, each bad one added to <paramref name="errors"/> (defaults stand in for them).</summary>
    public static (string Format, QrOptions Options) ReadPrint(QrPrintQuery print, FieldErrors errors)
    {
        var format = (string.IsNullOrEmpty(print.Format) ? "png" : print.Format).ToLowerInvariant();
        if (format is not ("png" or "svg"))
        {
            errors.Add("format", "format must be png or svg.");
        }

        var sizeMm = Number(print.SizeMm, "sizeMm", 30, QrOptions.MinSizeMm, QrOptions.MaxSizeMm, "Size", "mm", errors);
        var dpi = (int)Number(print.Dpi, "dpi", 300, QrOptions.MinDpi, QrOptions.MaxDpi, "DPI", "", errors);
        var quiet = (int)Number(print.QuietZone, "quietZone", 4, 0, QrOptions.MaxQuietZoneModules, "The quiet zone", " modules", errors);
        var eccText = print.Ecc ?? "";
        var ecc = EccLevel.M;
        if (eccText.Length > 0 && !Enum.TryParse(eccText, ignoreCase: true, out ecc))
        {
            errors.Add("ecc", "ecc must be L, M, Q or H (H survives scuffed packaging).");
        }

        var caption = print.Caption ?? "";
        if (caption.Length > QrOptions.MaxCaptionLength)
        {
            errors.Add("caption", $"The caption is at most {QrOptions.MaxCaptionLength} characters.");
        }
        else if (CaptionFont.Validate(caption) is { } glyphError)
        {
            errors.Add("caption", glyphError);
        }

        var options = new QrOptions(sizeMm, dpi, ecc, quiet, caption.Length == 0 ? null : caption);
        if (!errors.Any && QrRenderer.Validate(options) is { } optionsError)
        {
            // Whatever the per-field checks above let through (a caption with control characters, ...).
            errors.Add(caption.Length > 0 ? "caption" : "sizeMm", optionsError);
        }

        return (format, options);
    }

    public static LinkDto? ReadLink(LinkQuery query, FieldErrors errors)
    {
        var platform = (query.Platform ?? "").ToLowerInvariant();
        var account = (query.Account ?? "").Trim();
        var code = query.Ref ?? "";
        var link = LinkBuilder.Build(platform, account, code, string.IsNullOrEmpty(query.Template) ? null : query.Template);
        if (!link.IsValid)
        {
            errors.Add(link.Field == "code" ? "ref" : link.Field!, link.Error!);
            return null;
        }

        return new LinkDto(platform, account, code, link.Url!, TrackingNotes.For(platform));
    }

    public FileContentHttpResult ToFile() => File(Url, Format, Options, FileName);

    /// <summary>The QR code of <paramref name="url"/> as a download: <paramref name="format"/> png or svg.</summary>
    public static FileContentHttpResult File(string url, string format, QrOptions options, string fileName) => format == "svg"
        ? TypedResults.File(System.Text.Encoding.UTF8.GetBytes(QrRenderer.Svg(url, options)), "image/svg+xml", fileName)
        : TypedResults.File(QrRenderer.Png(url, options), "image/png", fileName);

    private static double Number(string? text, string field, double fallback, double min, double max, string label, string unit, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add(field, $"{label} must be a number from {min}{unit} to {max}{unit}.");
        return fallback;
    }
}

public static class LinksApi
{
    public static RouteGroupBuilder MapLinksApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/links").WithTags("Links");
        group.MapGet("", GetLink).WithName("GetLink")
            .WithSummary("Build the ig.me, m.me or wa.me link for a ref code");
        group.MapGet("/qr", GetQr).WithName("GetQrCode")
            .WithSummary("Render a print-ready QR code for a ref code's link")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "image/png", "image/svg+xml");
        return api;
    }

    /// <summary>The ig.me / m.me / wa.me link for a code; <c>account</c> is the username, Page username or number itself.</summary>
    internal static Results<Ok<LinkDto>, ValidationProblem> GetLink([AsParameters] LinkQuery query)
    {
        var errors = new FieldErrors();
        var link = QrRequest.ReadLink(query, errors);
        return link is null ? errors.Problem() : TypedResults.Ok(link);
    }

    /// <summary>A print-ready QR code (PNG with DPI, or SVG in millimetres); 400 for a pattern or an invalid code.</summary>
    internal static Results<FileContentHttpResult, ValidationProblem> GetQr([AsParameters] LinkQuery link, [AsParameters] QrPrintQuery print)
    {
        var (qr, errors) = QrRequest.Read(link, print);
        return qr is null ? errors.Problem() : qr.ToFile();
    }

    /// <summary>The same download for the signed-in dashboard (cookie, not API key).</summary>
    public static IEndpointRouteBuilder MapStudioDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/studio/qr", GetQr).RequireAuthorization(StudioRoles.Policies.Edit).ExcludeFromDescription();
        app.MapGet("/studio/links/{slug}/qr", Trackable.TrackableLinksApi.QrAsync).RequireAuthorization(StudioRoles.Policies.Read).ExcludeFromDescription();
        return app;
    }
}
