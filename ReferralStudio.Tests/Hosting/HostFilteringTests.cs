using System.Net;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Hosting;

/// <summary>
/// Only the configured host names are answered, so a forged <c>Host</c> never ends up in a redirect or a link; the
/// default answers the names <c>dotnet run</c> and the tests use, on any port.
/// </summary>
public sealed class HostFilteringTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Unknown_Host_Gets_400_And_No_Redirect_To_It()
    {
        using var response = await SendAsync(fixture.App, "evil.example");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.DoesNotContain("evil.example", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        SecurityHeadersTests.AssertHeaders(response);
    }

    [Theory]
    [InlineData("localhost:5170")]
    [InlineData("127.0.0.1:8080")]
    [InlineData("[::1]:5000")]
    public async Task Default_Answers_The_Loopback_Names_On_Any_Port(string host)
    {
        using var response = await SendAsync(fixture.App, host);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith($"http://{host}/account/login", response.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configured_Host_Gets_The_Normal_Answer_And_Others_400()
    {
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?> { ["AllowedHosts"] = "studio.example.com" });

        using var configured = await SendAsync(app, "studio.example.com");
        using var loopback = await SendAsync(app, app.BaseAddress.Authority);
        using var other = await SendAsync(app, "evil.example");

        Assert.Equal(HttpStatusCode.Redirect, configured.StatusCode);
        Assert.StartsWith("http://studio.example.com/account/login", configured.Headers.Location?.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, loopback.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
    }

    [Fact]
    public async Task Forwarded_Host_From_The_Proxy_Is_Not_Believed()
    {
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?> { ["AllowedHosts"] = "studio.example.com" });

        using var response = await SendAsync(app, "studio.example.com", forwardedHost: "evil.example");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("http://studio.example.com/account/login", response.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A browser's request for the overview (a redirect to sign in), sent to the app with another Host.</summary>
    private static async Task<HttpResponseMessage> SendAsync(TestApp app, string host, string? forwardedHost = null)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = host;
        request.Headers.Accept.ParseAdd("text/html");
        if (forwardedHost is not null)
        {
            // From loopback, the proxy the app trusts for X-Forwarded-For and -Proto.
            request.Headers.Add("X-Forwarded-Host", forwardedHost);
        }

        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
