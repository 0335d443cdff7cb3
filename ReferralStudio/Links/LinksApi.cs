using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using ReferralStudio.Api;

namespace ReferralStudio.Links;

public sealed record LinkDto(string Platform, string Account, string Ref, string Url, string TrackingNote);

/// <summary>A QR request read from a query string, validated field by field.</summary>
public sealed record QrRequest(string Platform, string Account, string Ref, string Url, string Format, QrOptions Options)
{
    public string FileName => $"{Ref}-{Platform}.{Format}";

    public static (QrRequest? Request, FieldErrors Errors) Read(IQueryCollection query)
    {
        var errors = new FieldErrors();
        var link = ReadLink(query, errors);
        var format = (query["format"].ToString() is { Length: > 0 } f ? f : "png").ToLowerInvariant();
        if (format is not ("png" or "svg"))
        {
            errors.Add("format", "format must be png or svg.");
        }

        var sizeMm = Number(query, "sizeMm", 30, QrOptions.MinSizeMm, QrOptions.MaxSizeMm, "Size", "mm", errors);
        var dpi = (int)Number(query, "dpi", 300, QrOptions.MinDpi, QrOptions.MaxDpi, "DPI", "", errors);
        var quiet = (int)Number(query, "quietZone", 4, 0, QrOptions.MaxQuietZoneModules, "The quiet zone", " modules", errors);
        var eccText = query["ecc"].ToString();
        var ecc = EccLevel.M;
        if (eccText.Length > 0 && !Enum.TryParse(eccText, ignoreCase: true, out ecc))
        {
            errors.Add("ecc", "ecc must be L, M, Q or H (H survives scuffed packaging).");
        }

        var caption = query["caption"].ToString();
        if (caption.Length > QrOptions.MaxCaptionLength)
        {
            errors.Add("caption", $"The caption is at most {QrOptions.MaxCaptionLength} characters.");
        }

        var options = new QrOptions(sizeMm, dpi, ecc, quiet, caption.Length == 0 ? null : caption);
        if (!errors.Any && QrRenderer.Validate(options) is { } optionsError)
        {
            // Whatever the per-field checks above let through (a caption with control characters, ...).
            errors.Add(caption.Length > 0 ? "caption" : "sizeMm", optionsError);
        }

        if (errors.Any || link is null)
        {
            return (null, errors);
        }

        return (new QrRequest(link.Platform, link.Account, link.Ref, link.Url, format, options), errors);
    }

    public static LinkDto? ReadLink(IQueryCollection query, FieldErrors errors)
    {
        var platform = query["platform"].ToString().ToLowerInvariant();
        var account = query["account"].ToString().Trim();
        var code = query["ref"].ToString();
        var template = query["template"].ToString();
        var link = LinkBuilder.Build(platform, account, code, template.Length == 0 ? null : template);
        if (!link.IsValid)
        {
            errors.Add(link.Field == "code" ? "ref" : link.Field!, link.Error!);
            return null;
        }

        return new LinkDto(platform, account, code, link.Url!, TrackingNotes.For(platform));
    }

    public IResult ToFile() => Format == "svg"
        ? TypedResults.File(System.Text.Encoding.UTF8.GetBytes(QrRenderer.Svg(Url, Options)), "image/svg+xml", FileName)
        : TypedResults.File(QrRenderer.Png(Url, Options), "image/png", FileName);

    private static double Number(IQueryCollection query, string field, double fallback, double min, double max, string label, string unit, FieldErrors errors)
    {
        var text = query[field].ToString();
        if (text.Length == 0)
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
        group.MapGet("", GetLink).WithName("GetLink");
        group.MapGet("/qr", GetQr).WithName("GetQrCode");
        return api;
    }

    /// <summary>The ig.me / m.me / wa.me link for a code; <c>account</c> is the username, Page username or number itself.</summary>
    internal static Results<Ok<LinkDto>, ValidationProblem> GetLink(HttpRequest request)
    {
        var errors = new FieldErrors();
        var link = QrRequest.ReadLink(request.Query, errors);
        return link is null ? errors.Problem() : TypedResults.Ok(link);
    }

    /// <summary>A print-ready QR code (PNG with DPI, or SVG in millimetres); 400 for a pattern or an invalid code.</summary>
    internal static IResult GetQr(HttpRequest request)
    {
        var (qr, errors) = QrRequest.Read(request.Query);
        return qr is null ? errors.Problem() : qr.ToFile();
    }

    /// <summary>The same download for the signed-in dashboard (cookie, not API key).</summary>
    public static IEndpointRouteBuilder MapStudioDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/studio/qr", GetQr).RequireAuthorization().ExcludeFromDescription();
        return app;
    }
}
