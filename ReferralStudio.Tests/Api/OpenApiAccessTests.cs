using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Api;

/// <summary>The OpenAPI document maps the whole API: it takes the key like /api, unless configured public.</summary>
public sealed class OpenApiAccessTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string Document = "/openapi/v1.json";

    [Fact]
    public async Task Document_Without_The_Key_Is_401_ProblemDetails()
    {
        using var response = await fixture.App.Client.GetAsync(Document);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Equal("Authorization", problem.GetProperty("field").GetString());
        Assert.DoesNotContain("/api/triggers", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Document_With_A_Wrong_Key_Is_401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Document);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-key");

        using var response = await fixture.App.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Document_With_The_Key_Is_Served()
    {
        var document = await fixture.App.Api.GetJsonAsync(Document);

        Assert.True(document.GetProperty("paths").TryGetProperty("/api/triggers", out _));
    }

    [Fact]
    public async Task Document_Configured_Public_Is_Served_Without_The_Key()
    {
        await using var app = await TestApp.StartAsync(settings: new Dictionary<string, string?> { ["Api:PublicOpenApi"] = "true" });

        var document = await app.Client.GetJsonAsync(Document);

        Assert.True(document.GetProperty("paths").TryGetProperty("/api/triggers", out _));
    }
}
