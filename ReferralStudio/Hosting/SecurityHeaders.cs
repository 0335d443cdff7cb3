namespace ReferralStudio.Hosting;

/// <summary>
/// The browser-side hardening every response carries, in every environment: pages, static files, API answers, error
/// and 404 pages, and the host filter's 400.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// What Blazor Server and MudBlazor need and nothing more: scripts only from this origin (no inline script, no
    /// eval), the circuit's and the live board's WebSockets back to this origin ('self' covers ws: and wss: of it),
    /// images from here or inline QR previews (data:), no plugins, no framing, no foreign base or form target.
    /// Styles allow 'unsafe-inline': MudBlazor writes its theme as a style element and sets style attributes at run
    /// time (popover positions, sizes, the website button's own inline style), which no nonce or hash can cover.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
        + "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    /// <summary>
    /// Not no-referrer: under it a browser sends <c>Origin: null</c> on same-origin form posts (the sign-in), which
    /// origin-based CSRF checks read as cross-site. Links out (wa.me, ig.me) still get only the origin, never a path.
    /// </summary>
    public const string ReferrerPolicy = "strict-origin-when-cross-origin";

    public static readonly IReadOnlyList<KeyValuePair<string, string>> All =
    [
        new("Content-Security-Policy", ContentSecurityPolicy),
        new("X-Content-Type-Options", "nosniff"),
        new("Referrer-Policy", ReferrerPolicy),
        // Older browsers ignore frame-ancestors.
        new("X-Frame-Options", "DENY"),
        new("Cross-Origin-Opener-Policy", "same-origin"),
    ];

    public static WebApplicationBuilder AddSecurityHeaders(this WebApplicationBuilder builder)
    {
        // First of all startup filters, ahead of the host filter ASP.NET Core installs, so that its 400 carries the
        // headers too; the app's own pipeline (static assets, exception handler, status pages) runs inside.
        builder.Services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, SecurityHeadersStartupFilter>());
        return builder;
    }

    /// <summary>
    /// Set when the response starts rather than on the way in: the exception handler and the status-code pages
    /// clear the headers of the response they replace.
    /// </summary>
    internal static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var headers = ((HttpResponse)state).Headers;
                foreach (var (name, value) in All)
                {
                    headers[name] = value;
                }

                return Task.CompletedTask;
            }, context.Response);
            return next(context);
        });

    private sealed class SecurityHeadersStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseSecurityHeaders();
            next(app);
        };
    }
}
