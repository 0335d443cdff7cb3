using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using ReferralStudio.Api;
using ReferralStudio.Audit;

namespace ReferralStudio.Links.Trackable;

/// <summary>The body of POST <c>/api/trackable-links</c>.</summary>
public sealed record TrackableLinkRequest(
    [property: Description("Lower-case letters, digits and '-', 3 to 40 characters; empty to have a 7-character one made.")] string? Slug,
    [property: Required, Description("instagram, messenger or whatsapp.")] string? Platform,
    [property: Required, Description("The Instagram username, the Page username or the WhatsApp number.")] string? Account,
    [property: Required, Description("An exact ref code (a pattern has no single link).")] string? Code,
    [property: Description("WhatsApp only: the prefilled message, which must keep 'ref: {ref}' (default 'Hi! ref: {ref}').")] string? Template = null);

/// <summary>The body of PATCH <c>/api/trackable-links/{slug}</c>: only the fields sent change.</summary>
public sealed record TrackableLinkChangeRequest(
    [property: Description("Re-point to another platform (the account usually changes with it).")] string? Platform = null,
    string? Account = null,
    string? Code = null,
    string? Template = null,
    [property: Description("false: /go/ answers a page saying the link is no longer active (410); true: it redirects again.")] bool? Enabled = null);

public sealed record LinkTargetDto(string Platform, string Account, string Code, string? Template, string? Url);

public sealed record LinkTargetChangeDto(LinkTargetDto Target, DateTimeOffset ChangedAt, string ChangedBy);

public sealed record TrackableLinkDto(
    string Slug,
    [property: Description("The address to print; null until Links:PublicBaseUrl is set.")] string? ShortUrl,
    bool Enabled,
    LinkTargetDto Target,
    long Scans,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    [property: Description("Every target the link has had, newest first (only on GET of one link).")] IReadOnlyList<LinkTargetChangeDto>? History);

public sealed record LinkScanDayDto(DateOnly Day, long Scans, IReadOnlyDictionary<string, long> ByPlatform, IReadOnlyDictionary<string, long> ByDevice);

public sealed record LinkScansDto(
    string Slug,
    long Scans,
    [property: Description("Business days (Studio:TimeZone) with scans, oldest first; written every few seconds.")] IReadOnlyList<LinkScanDayDto> Days);

public static class TrackableLinksApi
{
    public static RouteGroupBuilder MapTrackableLinksApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/trackable-links").WithTags("Trackable links");
        group.MapGet("", ListAsync).WithName("ListTrackableLinks")
            .WithSummary("List trackable links with their scans so far");
        group.MapPost("", CreateAsync).WithName("CreateTrackableLink")
            .WithSummary("Issue a trackable /go/ link for a code")
            .AcceptsJson<TrackableLinkRequest>();
        group.MapGet("/{slug}", GetAsync).WithName("GetTrackableLink")
            .WithSummary("Get a trackable link with the history of its targets")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPatch("/{slug}", UpdateAsync).WithName("UpdateTrackableLink")
            .WithSummary("Re-point a trackable link, or enable or disable it")
            .AcceptsJson<TrackableLinkChangeRequest>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{slug}/scans", ScansAsync).WithName("GetTrackableLinkScans")
            .WithSummary("Counted scans per day, by platform and device class")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{slug}/qr", QrAsync).WithName("GetTrackableLinkQrCode")
            .WithSummary("Render the print-ready QR code of a trackable link's short address")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "image/png", "image/svg+xml")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    /// <summary>Every link, newest first; <paramref name="code"/> keeps those leading to that exact code.</summary>
    internal static async Task<Results<Ok<List<TrackableLinkDto>>, ValidationProblem>> ListAsync(TrackableLinks links, string? code, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var exactCode = errors.Ref("code", code);
        if (errors.Any)
        {
            return errors.Problem();
        }

        return TypedResults.Ok((await links.ListAsync(exactCode, cancellationToken)).Select(s => ToDto(s, null)).ToList());
    }

    internal static async Task<Results<Created<TrackableLinkDto>, ValidationProblem>> CreateAsync(
        JsonBody<TrackableLinkRequest> body, TrackableLinks links, IAuditActor actor, CancellationToken cancellationToken)
    {
        if (body.Problem() is { } unreadable)
        {
            return unreadable.Problem();
        }

        var request = body.Value!;
        var target = new LinkTarget(request.Platform ?? "", request.Account ?? "", request.Code ?? "", request.Template);
        var result = await links.CreateAsync(await actor.CurrentAsync(), request.Slug, target, cancellationToken);
        if (result.Link is not { } link)
        {
            return result.Errors.Problem();
        }

        var history = await links.HistoryAsync(link.Id, cancellationToken);
        return TypedResults.Created($"/api/trackable-links/{link.Slug}", ToDto(links.Summarize(link, 0), history));
    }

    internal static async Task<Results<Ok<TrackableLinkDto>, ProblemHttpResult>> GetAsync(string slug, TrackableLinks links, CancellationToken cancellationToken)
    {
        if (await links.GetAsync(slug, cancellationToken) is not { } summary)
        {
            return NotFound(slug);
        }

        return TypedResults.Ok(ToDto(summary, await links.HistoryAsync(summary.Link.Id, cancellationToken)));
    }

    internal static async Task<Results<Ok<TrackableLinkDto>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string slug, JsonBody<TrackableLinkChangeRequest> body, TrackableLinks links, IAuditActor actor, CancellationToken cancellationToken)
    {
        if (body.Problem() is { } unreadable)
        {
            return unreadable.Problem();
        }

        var request = body.Value!;
        var change = new LinkChange(request.Platform, request.Account, request.Code, request.Template, request.Enabled);
        var result = await links.UpdateAsync(await actor.CurrentAsync(), slug, change, cancellationToken);
        if (result is null)
        {
            return NotFound(slug);
        }

        if (result.Link is null)
        {
            return result.Errors.Problem();
        }

        var summary = await links.GetAsync(slug, cancellationToken);
        return TypedResults.Ok(ToDto(summary!, await links.HistoryAsync(result.Link.Id, cancellationToken)));
    }

    internal static async Task<Results<Ok<LinkScansDto>, ValidationProblem, ProblemHttpResult>> ScansAsync(
        string slug, string? from, string? to, TrackableLinks links, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var first = Day(errors, "from", from);
        var last = Day(errors, "to", to);
        if (errors.Any)
        {
            return errors.Problem();
        }

        if (await links.GetAsync(slug, cancellationToken) is not { } summary)
        {
            return NotFound(slug);
        }

        var rows = await links.ScansAsync(summary.Link.Id, first, last, cancellationToken);
        var days = rows.GroupBy(r => r.Day).Select(d => new LinkScanDayDto(
            d.Key,
            d.Sum(r => r.Scans),
            d.GroupBy(r => r.Platform).ToDictionary(g => g.Key, g => g.Sum(r => r.Scans)),
            d.GroupBy(r => r.Device).ToDictionary(g => g.Key, g => g.Sum(r => r.Scans)))).ToList();
        return TypedResults.Ok(new LinkScansDto(summary.Link.Slug, days.Sum(d => d.Scans), days));
    }

    /// <summary>The QR code of the short address (never of the target: that is what makes re-pointing possible).</summary>
    internal static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> QrAsync(
        string slug, [AsParameters] QrPrintQuery print, TrackableLinks links, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var (format, options) = QrRequest.ReadPrint(print, errors);
        if (errors.Any)
        {
            return errors.Problem();
        }

        if (await links.GetAsync(slug, cancellationToken) is not { } summary)
        {
            return NotFound(slug);
        }

        if (summary.ShortUrl is not { } shortUrl)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "No public address",
                detail: $"Set {LinkOptions.Section}:{nameof(LinkOptions.PublicBaseUrl)} to the address people reach this app on before printing QR codes.");
        }

        return QrRequest.File(shortUrl, format, options, $"go-{summary.Link.Slug}.{format}");
    }

    public static TrackableLinkDto ToDto(LinkSummary summary, IReadOnlyList<TrackableLinkTarget>? history)
    {
        var l = summary.Link;
        return new(
            l.Slug, summary.ShortUrl, l.Enabled,
            new LinkTargetDto(l.Platform, l.Account, l.Code, l.WhatsAppTemplate, summary.TargetUrl),
            summary.Scans, l.CreatedAt, l.UpdatedAt,
            history?.Select(h => new LinkTargetChangeDto(
                new LinkTargetDto(h.Platform, h.Account, h.Code, h.WhatsAppTemplate, LinkTarget.Of(h).Build().Url), h.ChangedAt, h.ChangedBy)).ToList());
    }

    private static DateOnly? Day(FieldErrors errors, string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors.Add(field, $"{field} must be a day as yyyy-MM-dd, such as 2026-11-01.");
        return null;
    }

    private static ProblemHttpResult NotFound(string slug) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Trackable link not found", detail: $"There is no trackable link '{FieldErrors.Quote(slug)}'.");
}
