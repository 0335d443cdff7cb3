using System.Net;
using System.Text.RegularExpressions;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Hosting;

/// <summary>
/// A build run outside Development (<c>dotnet run</c> in Production, the tests' own host) serves the dashboard's
/// styles and scripts as the published app does: under fingerprinted addresses a browser keeps for good, precompressed,
/// rather than with the hot-reload serving a build's manifest turns on by default.
/// </summary>
public sealed partial class StaticAssetsTests
{
    [Fact]
    public async Task Styles_And_Scripts_Are_Fingerprinted_Cached_For_Good_And_Compressed()
    {
        await using var app = await TestApp.StartAsync();
        var page = await app.Client.GetStringAsync("/account/login");
        var assets = Asset().Matches(page).Select(m => m.Groups["path"].Value).ToList();
        Assert.Contains(assets, a => BlazorScript().IsMatch(a));
        Assert.Contains(assets, a => a.Contains("MudBlazor.min.", StringComparison.Ordinal) && a.EndsWith(".css", StringComparison.Ordinal));

        using var client = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.AcceptEncoding.ParseAdd("gzip");
        foreach (var asset in assets)
        {
            using var response = await client.GetAsync(asset);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{asset} answered {(int)response.StatusCode}");
            Assert.True(response.Headers.CacheControl?.ToString().Contains("immutable", StringComparison.Ordinal), $"{asset}: Cache-Control {response.Headers.CacheControl}");
            if (BlazorScript().IsMatch(asset))
            {
                Assert.Contains("gzip", response.Content.Headers.ContentEncoding);
                Assert.True(response.Content.Headers.ContentLength < 100_000, $"{asset}: {response.Content.Headers.ContentLength} bytes");
            }
        }
    }

    [GeneratedRegex("(?:href|src)=\"(?<path>[^\"]+\\.(?:css|js))\"")]
    private static partial Regex Asset();

    [GeneratedRegex(@"_framework/blazor\.web\.\w+\.js$")]
    private static partial Regex BlazorScript();
}
