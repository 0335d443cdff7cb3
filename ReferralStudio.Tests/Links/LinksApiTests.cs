using System.Diagnostics;
using System.Net;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Links;

/// <summary>Links and print-ready QR codes from /api/links, built before any account is configured.</summary>
public sealed class LinksApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly TestApp _app = fixture.App;

    [Theory]
    [InlineData("instagram", "acme.shop", "https://ig.me/m/acme.shop?ref=summer_sale")]
    [InlineData("messenger", "acmeshop", "https://m.me/acmeshop?ref=summer_sale")]
    [InlineData("whatsapp", "+4915123456789", "https://wa.me/4915123456789?text=Hi%21%20ref%3A%20summer_sale")]
    public async Task Link_Is_Built_For_Each_Platform(string platform, string account, string expected)
    {
        var link = await _app.Api.GetJsonAsync($"/api/links?platform={platform}&account={Uri.EscapeDataString(account)}&ref=summer_sale");

        Assert.Equal(expected, link.Str("url"));
        Assert.False(string.IsNullOrEmpty(link.Str("trackingNote")));
    }

    [Fact]
    public async Task Qr_Png_Decodes_To_The_Link()
    {
        using var response = await _app.Api.GetAsync("/api/links/qr?platform=instagram&account=acme.shop&ref=qr_store_berlin&format=png&sizeMm=40&dpi=300&ecc=H");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        var path = Path.Combine(Path.GetTempPath(), $"api-qr-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
        using var zbar = Process.Start(new ProcessStartInfo("zbarimg", ["--quiet", "--raw", path]) { RedirectStandardOutput = true })!;
        Assert.Equal("https://ig.me/m/acme.shop?ref=qr_store_berlin", (await zbar.StandardOutput.ReadToEndAsync()).Trim());
    }

    [Fact]
    public async Task Qr_Svg_Is_Sized_In_Millimetres()
    {
        using var response = await _app.Api.GetAsync("/api/links/qr?platform=messenger&account=acmeshop&ref=flyer&format=svg&sizeMm=25");

        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("25mm", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("platform=instagram&account=acme.shop&ref=collab_*", "ref")]
    [InlineData("platform=instagram&account=acme.shop&ref=bad%20code", "ref")]
    [InlineData("platform=instagram&account=&ref=ok", "account")]
    [InlineData("platform=tiktok&account=x&ref=ok", "platform")]
    [InlineData("platform=instagram&account=acme.shop&ref=ok&format=gif", "format")]
    [InlineData("platform=instagram&account=acme.shop&ref=ok&dpi=5", "dpi")]
    [InlineData("platform=instagram&account=acme.shop&ref=ok&ecc=Z", "ecc")]
    public async Task Bad_Qr_Request_Gets_400_Naming_The_Field(string query, string field)
    {
        var problem = await _app.Api.GetJsonAsync($"/api/links/qr?{query}", HttpStatusCode.BadRequest);

        Assert.NotEmpty(problem.ErrorsFor(field));
    }

    [Fact]
    public async Task A_Caption_The_Font_Cannot_Print_Gets_400_Naming_The_Characters()
    {
        var problem = await _app.Api.GetJsonAsync($"/api/links/qr?platform=instagram&account=acme.shop&ref=ok&caption={Uri.EscapeDataString("été 🎉")}", HttpStatusCode.BadRequest);

        Assert.Equal(["The caption font has no glyph for 🎉 (U+1F389); remove it or use another character."], problem.ErrorsFor("caption"));
    }

    [Fact]
    public async Task A_Greek_And_Cyrillic_Caption_Is_Printed()
    {
        using var response = await _app.Api.GetAsync($"/api/links/qr?platform=instagram&account=acme.shop&ref=ok&format=svg&caption={Uri.EscapeDataString("Ελληνικά Кириллица été")}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(">Кириллица été</text>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Pattern_Has_No_Link_And_Says_Why()
    {
        var problem = await _app.Api.GetJsonAsync("/api/links?platform=instagram&account=acme.shop&ref=collab_*", HttpStatusCode.BadRequest);

        Assert.Contains(problem.ErrorsFor("ref"), r => r.Contains("pattern"));
    }

    [Fact]
    public async Task Dashboard_Download_Needs_A_Signed_In_User()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _app.BaseAddress };

        using var response = await client.GetAsync("/studio/qr?platform=instagram&account=acme.shop&ref=x");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/login", response.Headers.Location!.ToString());
    }
}
