using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Links.Trackable;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Links;

/// <summary>Trackable /go/ links through the API and the redirect, on a real app and store.</summary>
public class TrackableLinksTests : IAsyncLifetime
{
    private const string Android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36";
    private const string Windows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36";

    private readonly TestStore _store;
    private TestApp _app = null!;
    private Scanner _scanner = null!;

    public TrackableLinksTests()
        : this(TestStore.Sqlite())
    {
    }

    /// <summary>The same tests on another engine (<see cref="PostgresTrackableLinksTests"/>).</summary>
    protected TrackableLinksTests(TestStore store) => _store = store;

    public async Task InitializeAsync()
    {
        await _store.PrepareAsync();
        await StartAsync();
    }

    public async Task DisposeAsync()
    {
        _scanner.Dispose();
        await _app.DisposeAsync();
        await _store.DisposeAsync();
    }

    // 03:00 UTC on 20 November is still the 19th in Los Angeles: scans count on the business's day.
    private async Task StartAsync()
    {
        _app = await TestApp.StartAsync(
            _store.Path,
            new ManualTimeProvider(DateTimeOffset.Parse("2026-11-20T03:00:00Z")),
            _store.With(new Dictionary<string, string?>
            {
                ["Studio:TimeZone"] = "America/Los_Angeles",
                // Only the test's own flushes (and the one at stop) write scans, so it knows what each one wrote.
                ["Links:ScanFlushInterval"] = "1.00:00:00",
            }));
        _scanner = new Scanner(_app.BaseAddress);
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> CreateAsync(object body) => _app.Api.PostJsonAsync("/api/trackable-links", body);

    private async Task<string> CreateInstagramLinkAsync(string? slug = null)
    {
        var (status, link) = await CreateAsync(new { slug, platform = "instagram", account = "acme.shop", code = "box_2026" });
        Assert.Equal(HttpStatusCode.Created, status);
        return link.Str("slug")!;
    }

    private Task<HttpResponseMessage> ScanAsync(string slug, string? userAgent = Scanner.IPhone, HttpMethod? method = null, (string Name, string Value)? header = null) =>
        _scanner.ScanAsync(slug, userAgent, method, header);

    private Task<long> FlushAsync() => _app.Services.GetRequiredService<ScanFlusher>().FlushAsync();

    private Task<(HttpStatusCode Status, JsonElement Body)> PatchAsync(string slug, object body) =>
        _app.Api.SendJsonAsync(HttpMethod.Patch, $"/api/trackable-links/{slug}", body);

    [Fact]
    public async Task Scan_Redirects_To_The_Code_Link_And_Is_Counted_By_Business_Day_Platform_And_Device()
    {
        var slug = await CreateInstagramLinkAsync();

        using var iphone = await ScanAsync(slug, Scanner.IPhone);
        using var android = await ScanAsync(slug, Android);
        using var desktop = await ScanAsync(slug, Windows);
        using var again = await ScanAsync(slug, Scanner.IPhone);

        Assert.Equal(HttpStatusCode.Found, iphone.StatusCode);
        Assert.Equal("https://ig.me/m/acme.shop?ref=box_2026", iphone.Headers.Location?.OriginalString);
        Assert.True(iphone.Headers.CacheControl?.NoStore);
        Assert.False(iphone.Headers.Contains("Set-Cookie"));
        Assert.Equal(4, await FlushAsync());
        var scans = await _app.Api.GetJsonAsync($"/api/trackable-links/{slug}/scans");
        Assert.Equal(4, scans.GetProperty("scans").GetInt64());
        var day = Assert.Single(scans.GetProperty("days").EnumerateArray());
        Assert.Equal("2026-11-19", day.Str("day"));
        Assert.Equal(4, day.GetProperty("byPlatform").GetProperty("instagram").GetInt64());
        Assert.Equal(2, day.GetProperty("byDevice").GetProperty("ios").GetInt64());
        Assert.Equal(1, day.GetProperty("byDevice").GetProperty("android").GetInt64());
        Assert.Equal(1, day.GetProperty("byDevice").GetProperty("desktop").GetInt64());
        Assert.Equal(4, (await _app.Api.GetJsonAsync($"/api/trackable-links/{slug}")).GetProperty("scans").GetInt64());
    }

    [Fact]
    public async Task Counts_Of_Several_Batches_Add_Up()
    {
        var slug = await CreateInstagramLinkAsync();
        (await ScanAsync(slug)).Dispose();
        await FlushAsync();
        (await ScanAsync(slug)).Dispose();
        (await ScanAsync(slug)).Dispose();
        await FlushAsync();

        var scans = await _app.Api.GetJsonAsync($"/api/trackable-links/{slug}/scans");

        Assert.Equal(3, scans.GetProperty("scans").GetInt64());
    }

    public static TheoryData<string?, string?, string?, string?> Uncounted => new()
    {
        { "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", null, null, "GET" },
        { "WhatsApp/2.23.20.0 A", null, null, "GET" },
        { "Twitterbot/1.0", null, null, "GET" },
        { "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", null, null, "GET" },
        { "TelegramBot (like TwitterBot)", null, null, "GET" },
        { "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", null, null, "GET" },
        { "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", null, null, "GET" },
        { "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", null, null, "GET" },
        { "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", null, null, "GET" },
        { "SomeCrawler/3.1", null, null, "GET" },
        { "Acme link preview fetcher", null, null, "GET" },
        { Scanner.IPhone, null, null, "HEAD" },
        { Scanner.IPhone, "Purpose", "prefetch", "GET" },
        { Scanner.IPhone, "Sec-Purpose", "prefetch;prerender", "GET" },
    };

    [Theory]
    [MemberData(nameof(Uncounted))]
    public async Task Previews_Bots_Prefetches_And_Head_Are_Redirected_But_Not_Counted(string? userAgent, string? header, string? value, string? method)
    {
        var slug = await CreateInstagramLinkAsync();

        using var response = await ScanAsync(slug, userAgent, new HttpMethod(method!), header is null ? null : (header, value!));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("https://ig.me/m/acme.shop?ref=box_2026", response.Headers.Location?.OriginalString);
        Assert.Equal(0, await FlushAsync());
        Assert.Equal(0, (await _app.Api.GetJsonAsync($"/api/trackable-links/{slug}/scans")).GetProperty("scans").GetInt64());
    }

    [Fact]
    public async Task Repointing_Changes_The_Redirect_And_Keeps_Every_Target()
    {
        var slug = await CreateInstagramLinkAsync();
        (await ScanAsync(slug)).Dispose();
        _app.Time.Advance(TimeSpan.FromDays(1));

        var (status, changed) = await PatchAsync(slug, new { platform = "whatsapp", account = "+49 151 2345 6789", code = "box_2027" });
        using var after = await ScanAsync(slug, Android);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("https://wa.me/4915123456789?text=Hi%21%20ref%3A%20box_2027", after.Headers.Location?.OriginalString);
        var history = changed.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(2, history.Count);
        Assert.Equal("whatsapp", history[0].GetProperty("target").Str("platform"));
        Assert.Equal("box_2027", history[0].GetProperty("target").Str("code"));
        Assert.Equal("instagram", history[1].GetProperty("target").Str("platform"));
        Assert.Equal("https://ig.me/m/acme.shop?ref=box_2026", history[1].GetProperty("target").Str("url"));
        Assert.True(history[0].GetProperty("changedAt").GetDateTimeOffset() > history[1].GetProperty("changedAt").GetDateTimeOffset());
        Assert.Contains("api key", history[0].Str("changedBy"));
        await FlushAsync();
        var days = (await _app.Api.GetJsonAsync($"/api/trackable-links/{slug}/scans")).GetProperty("days").EnumerateArray().ToList();
        Assert.Equal(["2026-11-19", "2026-11-20"], days.Select(d => d.Str("day")));
        Assert.Equal(1, days[0].GetProperty("byPlatform").GetProperty("instagram").GetInt64());
        Assert.Equal(1, days[1].GetProperty("byPlatform").GetProperty("whatsapp").GetInt64());
    }

    [Fact]
    public async Task Repointing_To_An_Invalid_Target_Is_Refused_And_The_Redirect_Stays()
    {
        var slug = await CreateInstagramLinkAsync();

        var (status, problem) = await PatchAsync(slug, new { platform = "whatsapp", account = "0151 2345" });
        using var after = await ScanAsync(slug);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotEmpty(problem.ErrorsFor("account"));
        Assert.Equal("https://ig.me/m/acme.shop?ref=box_2026", after.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Disabled_Link_Answers_A_Friendly_Page_Uncounted_Until_Enabled_Again()
    {
        var slug = await CreateInstagramLinkAsync();

        var (status, _) = await PatchAsync(slug, new { enabled = false });
        using var disabled = await ScanAsync(slug);
        await PatchAsync(slug, new { enabled = true });
        using var enabled = await ScanAsync(slug);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.Gone, disabled.StatusCode);
        Assert.Equal("text/html", disabled.Content.Headers.ContentType?.MediaType);
        Assert.Contains("This link is no longer active", await disabled.Content.ReadAsStringAsync());
        Assert.True(disabled.Headers.CacheControl?.NoStore);
        Assert.Equal(HttpStatusCode.Found, enabled.StatusCode);
        Assert.Equal(1, await FlushAsync());
    }

    [Fact]
    public async Task Unknown_Slug_Answers_A_Friendly_Not_Found_Page()
    {
        using var response = await ScanAsync("no-such-link");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Link not found", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Chosen_Slug_Is_Used_And_Found_Whatever_The_Case_Typed()
    {
        var slug = await CreateInstagramLinkAsync("spring-box-2026");

        using var response = await ScanAsync("Spring-Box-2026");

        Assert.Equal("spring-box-2026", slug);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var link = await _app.Api.GetJsonAsync("/api/trackable-links/spring-box-2026");
        Assert.Equal($"{TestApp.PublicBaseUrl}/go/spring-box-2026", link.Str("shortUrl"));
    }

    [Fact]
    public async Task Generated_Slugs_Are_Short_And_Unambiguous()
    {
        var slug = await CreateInstagramLinkAsync();

        Assert.Equal(LinkSlugs.GeneratedLength, slug.Length);
        Assert.All(slug, c => Assert.Contains(c, LinkSlugs.GeneratedAlphabet));
    }

    [Theory]
    [InlineData("Spring", "slug")]
    [InlineData("ab", "slug")]
    [InlineData("spring_box", "slug")]
    [InlineData("-spring", "slug")]
    [InlineData("spring--box", "slug")]
    public async Task Bad_Slug_Gets_400_Naming_The_Field(string slug, string field)
    {
        var (status, problem) = await CreateAsync(new { slug, platform = "instagram", account = "acme.shop", code = "box_2026" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotEmpty(problem.ErrorsFor(field));
    }

    [Fact]
    public async Task Taken_Slug_Is_Refused_Naming_The_Slug()
    {
        await CreateInstagramLinkAsync("flyer");

        var (status, problem) = await CreateAsync(new { slug = "flyer", platform = "messenger", account = "acmeshop", code = "box_2026" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(problem.ErrorsFor("slug"), reason => reason.Contains("taken"));
    }

    [Theory]
    [InlineData("instagram", "acme.shop", "collab_*", "code")]
    [InlineData("instagram", "acme.shop", "bad code", "code")]
    [InlineData("tiktok", "acme.shop", "box", "platform")]
    [InlineData("whatsapp", "0151", "box", "account")]
    public async Task Bad_Target_Gets_400_Naming_The_Field(string platform, string account, string code, string field)
    {
        var (status, problem) = await CreateAsync(new { platform, account, code });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotEmpty(problem.ErrorsFor(field));
    }

    [Fact]
    public async Task Qr_Png_Reads_Back_As_The_Go_Address()
    {
        var slug = await CreateInstagramLinkAsync();

        using var response = await _app.Api.GetAsync($"/api/trackable-links/{slug}/qr?format=png&sizeMm=30&dpi=300&ecc=M");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal([$"{TestApp.PublicBaseUrl}/go/{slug}"], Tools.DecodeQr(await response.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task Links_Need_The_Api_Key()
    {
        using var response = await _app.Client.GetAsync("/api/trackable-links");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Scans_Counted_Before_A_Graceful_Stop_Are_Written()
    {
        var slug = await CreateInstagramLinkAsync();
        (await ScanAsync(slug)).Dispose();
        (await ScanAsync(slug, Android)).Dispose();

        _scanner.Dispose();
        await _app.DisposeAsync();
        await using (var db = _store.Open())
        {
            Assert.Equal(2, await db.LinkScanDays.SumAsync(s => s.Scans));
        }

        await StartAsync();
        using var response = await ScanAsync(slug);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
    }

    [Fact]
    public async Task Links_Are_Listed_By_Code_With_Their_Scans()
    {
        var slug = await CreateInstagramLinkAsync();
        await CreateAsync(new { platform = "messenger", account = "acmeshop", code = "other_code" });
        (await ScanAsync(slug)).Dispose();
        await FlushAsync();

        var list = await _app.Api.GetJsonAsync("/api/trackable-links?code=box_2026");

        var link = Assert.Single(list.EnumerateArray());
        Assert.Equal(slug, link.Str("slug"));
        Assert.Equal(1, link.GetProperty("scans").GetInt64());
        Assert.Equal("https://ig.me/m/acme.shop?ref=box_2026", link.GetProperty("target").Str("url"));
    }
}

/// <summary><see cref="TrackableLinksTests"/> on PostgreSQL: the upsert of daily counters and the date column differ.</summary>
public sealed class PostgresTrackableLinksTests() : TrackableLinksTests(TestStore.Postgres());
