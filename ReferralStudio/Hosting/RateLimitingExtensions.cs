using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using ReferralStudio.Api;
using ReferralStudio.Operations;
using ReferralStudio.Webhooks;
using ReferralStudio.Security;

namespace ReferralStudio.Hosting;

/// <summary>
/// ASP.NET Core's rate limiter with one fixed-window partition per client: <see cref="Api"/> and
/// <see cref="Webhooks"/> are policies the endpoint groups opt into; sign-in form posts are limited globally
/// because the form is a Razor component page, not an endpoint of its own.
/// </summary>
public static class RateLimitingExtensions
{
    public const string Api = "api";
    public const string Webhooks = "webhooks";
    private const string SignInPath = "/account/login";

    public static WebApplicationBuilder AddRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>()
            .BindConfiguration(RateLimitOptions.Section)
            .ValidateRules(o =>
            [
                OptionsRules.AtLeast(o.Api.PermitsPerMinute, 1, $"{RateLimitOptions.Section}:Api:PermitsPerMinute"),
                OptionsRules.AtLeast(o.SignIn.PermitsPerMinute, 1, $"{RateLimitOptions.Section}:SignIn:PermitsPerMinute"),
                OptionsRules.AtLeast(o.Webhooks.PermitsPerSecond, 1, $"{RateLimitOptions.Section}:Webhooks:PermitsPerSecond"),
            ]);
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = OnRejectedAsync;

            limiter.AddPolicy(Api, context =>
            {
                var settings = Settings(context);
                return RateLimitPartition.GetFixedWindowLimiter(ApiPartition(context), _ => Window(settings.Api.PermitsPerMinute, TimeSpan.FromMinutes(1)));
            });
            // Keyed by the address itself: a string of it would be allocated and hashed for every delivery.
            limiter.AddPolicy(Webhooks, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress ?? IPAddress.None,
                _ => Window(Settings(context).Webhooks.PermitsPerSecond, TimeSpan.FromSeconds(1))));
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.Path.Equals(SignInPath, StringComparison.OrdinalIgnoreCase))
                {
                    return RateLimitPartition.GetNoLimiter("unlimited");
                }

                var settings = Settings(context);
                return RateLimitPartition.GetFixedWindowLimiter("sign-in:" + ClientIp(context), _ => Window(settings.SignIn.PermitsPerMinute, TimeSpan.FromMinutes(1)));
            });
        });
        return builder;
    }

    public static WebApplication UseRateLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }

    private static RateLimitOptions Settings(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;

    private static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) => new()
    {
        PermitLimit = permits,
        Window = window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static string ClientIp(HttpContext context) =>
        (context.Connection.RemoteIpAddress ?? IPAddress.None).ToString();

    /// <summary>
    /// The holder of the real API key shares one budget wherever it calls from; anyone else (no key, a wrong
    /// key) is limited per address, so guessing keys cannot open fresh partitions.
    /// </summary>
    private static string ApiPartition(HttpContext context)
    {
        const string bearer = "Bearer ";
        var header = context.Request.Headers.Authorization.ToString();
        var key = context.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.Key;
        if (key.Length > 0 && header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase)
            && Secrets.FixedTimeEquals(header[bearer.Length..].Trim(), key))
        {
            return "key:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16];
        }

        return "ip:" + ClientIp(context);
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments(WebhookEndpoints.Path))
        {
            context.RequestServices.GetRequiredService<StudioMetrics>().Refused(StudioMetrics.RefusalReason.RateLimited);
        }

        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = string.Create(CultureInfo.InvariantCulture, $"The rate limit for this client was reached; retry after {seconds} s."),
            },
        });
    }
}
