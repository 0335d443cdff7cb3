using System.Text;
using System.Text.Encodings.Web;
using ReferralStudio.Insight;

namespace ReferralStudio.Links.Trackable;

/// <summary>
/// <c>GET /go/{slug}</c>: 302 to the link's current target, counting the scan unless a bot or prefetch asked. The hot
/// path reads only memory (<see cref="TrackableLinkCatalog"/>, <see cref="ScanCounter"/>). Nothing is cached by browsers
/// or proxies (<c>no-store</c>), so every scan reaches the app and a re-pointed link takes effect at once.
/// </summary>
public static class GoEndpoint
{
    public const string PathPrefix = "/go";

    /// <summary>A disabled link's page answers 410 Gone: the printed code is not broken, it was switched off on purpose.</summary>
    public const int DisabledStatus = StatusCodes.Status410Gone;

    public static IEndpointRouteBuilder MapGoLinks(this IEndpointRouteBuilder app)
    {
        var catalog = app.ServiceProvider.GetRequiredService<TrackableLinkCatalog>();
        var counter = app.ServiceProvider.GetRequiredService<ScanCounter>();
        var days = app.ServiceProvider.GetRequiredService<BusinessDay>();
        app.MapMethods(PathPrefix + "/{slug}", [HttpMethods.Get, HttpMethods.Head], context => Answer(context, catalog, counter, days))
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }

    private static Task Answer(HttpContext context, TrackableLinkCatalog catalog, ScanCounter counter, BusinessDay days)
    {
        var slug = (string)context.Request.RouteValues["slug"]!;
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        var route = catalog.Find(slug);
        if (route is null)
        {
            return Page(context, StatusCodes.Status404NotFound, "Link not found",
                "This link does not exist. Check the address, or scan the code again.");
        }

        if (!route.Enabled || route.Url is null)
        {
            return Page(context, DisabledStatus, "This link is no longer active",
                "The campaign behind this code has ended or been paused. Thank you for scanning.");
        }

        var request = context.Request;
        var userAgent = request.Headers.UserAgent.ToString();
        if (ScanClassifier.IsCounted(request.Method, userAgent, request.Headers["Purpose"], request.Headers["Sec-Purpose"], request.Headers["X-Moz"]))
        {
            counter.Count(new ScanKey(route.LinkId, days.DayOf(days.Now), route.Platform, route.Code, ScanClassifier.DeviceOf(userAgent)));
        }

        response.StatusCode = StatusCodes.Status302Found;
        response.Headers.Location = route.Url;
        return Task.CompletedTask;
    }

    private static Task Page(HttpContext context, int status, string title, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return Task.CompletedTask;
        }

        var html = HtmlEncoder.Default;
        var page = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(html.Encode(title)).Append("</title>")
            .Append("<style>body{font-family:system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f6f7f9;color:#1f2328}")
            .Append("main{max-width:28rem;padding:2rem;text-align:center}h1{font-size:1.5rem;margin:0 0 .75rem}p{margin:0;line-height:1.5}")
            .Append("@media (prefers-color-scheme:dark){body{background:#16181d;color:#e6e8eb}}</style></head>")
            .Append("<body><main><h1>").Append(html.Encode(title)).Append("</h1><p>").Append(html.Encode(message)).Append("</p></main></body></html>")
            .ToString();
        return context.Response.WriteAsync(page);
    }
}
