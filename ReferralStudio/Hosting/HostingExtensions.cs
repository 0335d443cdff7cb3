using System.Net;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.Extensions.Options;
using ReferralStudio.Operations;

namespace ReferralStudio.Hosting;

/// <summary>What running as a deployed service needs: the UI's static files in every environment, the reverse proxy's
/// forwarded headers, and a health endpoint for the supervisor and the proxy.</summary>
public static class HostingExtensions
{
    public const string HealthPath = "/healthz";

    /// <summary>ASP.NET Core's switch for serving a build's static assets as they change on disk.</summary>
    private const string ReloadStaticAssetsAtRuntime = "ReloadStaticAssetsAtRuntime";

    public static WebApplicationBuilder AddHosting(this WebApplicationBuilder builder)
    {
        // The UI packages' files (_content/<package>/..., _framework/blazor.web.js, the scoped-CSS bundle) are not under
        // wwwroot until publish: a build finds them through its static web assets manifest, which the host reads by
        // itself only in Development. `dotnet run` in any other environment needs it too; a published app has no such
        // manifest (its wwwroot holds every file), so there this does nothing.
        if (!builder.Environment.IsDevelopment())
        {
            builder.WebHost.UseStaticWebAssets();
            // A build's manifest otherwise turns on the hot-reload serving meant for development in every environment:
            // no caching of fingerprinted files, every file hashed on every request and compressed ones re-packed
            // uncompressed. Served as published instead: immutable, precompressed.
            builder.Configuration[ReloadStaticAssetsAtRuntime] ??= "false";
        }

        builder.Services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.Section).ValidateRules(o => o.Rules());
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxies) =>
        {
            // The client's address (rate limits, logs) and https (Secure cookies, absolute redirects); the defaults
            // already trust loopback, the proxy on this machine.
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in proxies.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in proxies.Value.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        builder.Services.AddOptions<TlsOptions>().BindConfiguration(TlsOptions.Section).ValidateRules(o => o.Rules());
        builder.Services.AddOptions<HttpsRedirectionOptions>().Configure<IOptions<TlsOptions>>((https, tls) => https.HttpsPort = tls.Value.HttpsPort);
        builder.Services.AddOptions<HstsOptions>().Configure<IOptions<TlsOptions>>((hsts, tls) =>
        {
            hsts.MaxAge = tls.Value.HstsMaxAge;
            // Turned on deliberately for a deployment: no exception for loopback names, which sit behind the proxy.
            hsts.ExcludedHosts.Clear();
        });
        builder.Services.AddHealthChecks();
        return builder;
    }

    /// <summary>The redirect to https and HSTS, when <see cref="TlsOptions"/> turns them on (after the forwarded headers).</summary>
    public static WebApplication UseTls(this WebApplication app)
    {
        var tls = app.Services.GetRequiredService<IOptions<TlsOptions>>().Value;
        if (tls.Hsts)
        {
            app.UseHsts();
        }

        if (tls.RedirectToHttps)
        {
            // Not the health and readiness checks: the supervisor and the proxy ask them over plain HTTP on loopback.
            app.UseWhen(context => !OperationsExtensions.IsProbe(context.Request.Path), branch => branch.UseHttpsRedirection());
        }

        return app;
    }

    /// <summary>
    /// 200 "Healthy" once the app has migrated its files and listens; no authentication, no rate limit. It runs no
    /// check (the process is up); whether it should get traffic is <c>/readyz</c> (<see cref="OperationsExtensions"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(HealthPath, new HealthCheckOptions { Predicate = _ => false });
        return app;
    }
}
