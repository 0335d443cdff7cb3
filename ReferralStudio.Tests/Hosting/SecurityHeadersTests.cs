using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ReferralStudio.Hosting;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Hosting;

/// <summary>
/// The browser-side hardening on every kind of answer: a page, a static file, the API, 404s and errors (whose
/// handlers replace the response they were given).
/// </summary>
public sealed class SecurityHeadersTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
        + "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    private TestApp App => fixture.App;

    [Theory]
    [InlineData("/account/login", "text/html", false, HttpStatusCode.OK)]
    [InlineData("/app.js", "*/*", false, HttpStatusCode.OK)]
    [InlineData("/api/triggers", "application/json", true, HttpStatusCode.OK)]
    [InlineData("/api/triggers", "application/json", false, HttpStatusCode.Unauthorized)]
    [InlineData("/no-such-page", "text/html", false, HttpStatusCode.NotFound)]
    [InlineData("/api/triggers/999999", "application/json", true, HttpStatusCode.NotFound)]
    public async Task Every_Kind_Of_Answer_Carries_The_Headers(string path, string accept, bool withKey, HttpStatusCode expected)
    {
        using var response = await (withKey ? App.Api : App.Client).SendAsync(Get(path, accept));

        Assert.Equal(expected, response.StatusCode);
        AssertHeaders(response);
    }

    [Theory]
    [InlineData("text/html", "text/html")]
    [InlineData("application/json", "application/problem+json")]
    public async Task Error_Answers_Carry_The_Headers_Though_The_Handler_Clears_The_Response(string accept, string mediaType)
    {
        // An endpoint that throws: the exception handler clears the response and writes the error page or problem.
        await using var app = await TestApp.StartAsync(services: s => s.AddSingleton<HealthCheckService, ThrowingHealthChecks>());

        using var response = await app.Client.SendAsync(Get(HostingExtensions.HealthPath, accept));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        AssertHeaders(response);
    }

    internal static void AssertHeaders(HttpResponseMessage response)
    {
        Assert.Equal(Policy, Single(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Single(response, "Referrer-Policy"));
        Assert.Equal("DENY", Single(response, "X-Frame-Options"));
        Assert.Equal("same-origin", Single(response, "Cross-Origin-Opener-Policy"));
    }

    private static string Single(HttpResponseMessage response, string name)
    {
        Assert.True(response.Headers.TryGetValues(name, out var values), $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: no {name}");
        return Assert.Single(values);
    }

    private static HttpRequestMessage Get(string path, string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        return request;
    }

    private sealed class ThrowingHealthChecks : HealthCheckService
    {
        public override Task<HealthReport> CheckHealthAsync(Func<HealthCheckRegistration, bool>? predicate, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("A failure inside an endpoint.");
    }
}
