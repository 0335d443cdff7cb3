using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Links.Trackable;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Conversions;

/// <summary>
/// The funnel from a printed code to a sale, on a real app and store: scans through <c>/go/</c>, conversations and touches
/// through signed webhooks, conversions through the API. The expected figures are worked out here from the plan of what
/// was sent, not from the app's tables.
/// </summary>
public class CampaignFunnelTests : IAsyncLifetime
{
    private const string PreviewBot = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)";
    private static readonly DateTimeOffset Noon = DateTimeOffset.Parse("2026-11-20T12:00:00Z");

    // The plan. The box link is printed at noon for box_2026 and re-pointed to box_2027 at one o'clock; a second link
    // for a code nobody writes with is scanned twice. People come in through the codes (one in another case), one of
    // them later through an influencer's code and once more through box_2026, after the box was re-pointed.
    private static readonly (string Person, string Code, DateTimeOffset At)[] Touches =
    [
        ("p1", "box_2026", Noon.AddMinutes(10)),
        ("p2", "box_2026", Noon.AddMinutes(20)),
        ("p3", "BOX_2027", Noon.AddMinutes(70)),
        ("p1", "collab_alice", Noon.AddMinutes(80)),
        ("p1", "box_2026", Noon.AddMinutes(90)),
    ];

    private static readonly (string Person, string Type, double? Value, DateTimeOffset At)[] Sales =
    [
        ("p1", "purchase", 50, Noon.AddMinutes(120)),
        ("p3", "signup", null, Noon.AddMinutes(130)),
    ];

    private const int BoxScansBefore = 5;
    private const int BoxScansAfter = 3;
    private const int FreshScans = 2;

    private static readonly Dictionary<string, string> TriggerOf = new(StringComparer.OrdinalIgnoreCase)
    {
        ["box_2026"] = "Box", ["box_2027"] = "Box", ["collab_alice"] = "Alice",
    };

    private readonly TestStore _store;
    private TestApp _app = null!;
    private string _box = "";

    public CampaignFunnelTests()
        : this(TestStore.Sqlite())
    {
    }

    /// <summary>The same tests on another engine (<see cref="PostgresCampaignFunnelTests"/>).</summary>
    protected CampaignFunnelTests(TestStore store) => _store = store;

    public async Task InitializeAsync()
    {
        await _store.PrepareAsync();
        _app = await TestApp.StartAsync(_store.Path, new ManualTimeProvider(Noon), _store.With(new Dictionary<string, string?>
        {
            // Only the test's own flush writes scans.
            ["Links:ScanFlushInterval"] = "1.00:00:00",
        }));
        await _app.Api.PostJsonAsync("/api/triggers", new { name = "Box", pattern = "box_*" });
        await _app.Api.PostJsonAsync("/api/triggers", new { name = "Alice", pattern = "collab_alice" });

        _box = await IssueAsync("box_2026");
        var fresh = await IssueAsync("fresh_code");
        await ScanAsync(_box, BoxScansBefore);
        await ScanAsync(_box, 1, PreviewBot);
        await ScanAsync(fresh, FreshScans);

        _app.Time.SetUtcNow(Noon.AddHours(1));
        var (repointed, _) = await _app.Api.SendJsonAsync(HttpMethod.Patch, $"/api/trackable-links/{_box}", new { code = "box_2027" });
        Assert.Equal(HttpStatusCode.OK, repointed);
        await ScanAsync(_box, BoxScansAfter);
        await _app.Services.GetRequiredService<ScanFlusher>().FlushAsync();

        _app.Time.SetUtcNow(Noon.AddHours(3));
        foreach (var (person, code, at) in Touches)
        {
            await _app.DeliverAsync(Instagram(Referral(person, at, code)));
        }

        foreach (var (person, type, value, at) in Sales)
        {
            var (status, _) = await _app.Api.PostJsonAsync("/api/conversions",
                new { platform = "instagram", participantId = person, type, value, currency = "EUR", occurredAt = at, externalId = $"{person}-{type}" });
            Assert.Equal(HttpStatusCode.Created, status);
        }
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _store.DisposeAsync();
    }

    private async Task<string> IssueAsync(string code)
    {
        var (status, link) = await _app.Api.PostJsonAsync("/api/trackable-links", new { platform = "instagram", account = "acme.shop", code });
        Assert.Equal(HttpStatusCode.Created, status);
        return link.Str("slug")!;
    }

    private async Task ScanAsync(string slug, int times, string userAgent = Scanner.IPhone)
    {
        using var scanner = new Scanner(_app.BaseAddress);
        for (var i = 0; i < times; i++)
        {
            using var response = await scanner.ScanAsync(slug, userAgent);
            Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        }
    }

    /// <summary>One code's funnel as the plan makes it, under a model: what the API must answer.</summary>
    private sealed record Expected(long Scans, int Conversations, int Touches, int Converted, int Conversions, double Value);

    private static Dictionary<string, Expected> ExpectedByCode(bool firstTouch)
    {
        var scans = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase)
        {
            ["box_2026"] = BoxScansBefore, ["box_2027"] = BoxScansAfter, ["fresh_code"] = FreshScans,
        };
        // The credited touch of each person: the first, or the latest; a sale is credited to the first touch, or the
        // latest one at or before it.
        var credited = Touches.GroupBy(t => t.Person).ToDictionary(g => g.Key, g => firstTouch ? g.First() : g.Last());
        (string Person, string Code, DateTimeOffset At) CreditOf((string Person, string Type, double? Value, DateTimeOffset At) sale) =>
            firstTouch ? credited[sale.Person] : Touches.Last(t => t.Person == sale.Person && t.At <= sale.At);

        var codes = Touches.Select(t => t.Code).Concat(scans.Keys).Distinct(StringComparer.OrdinalIgnoreCase);
        return codes.ToDictionary(code => code, code =>
        {
            var started = credited.Values.Where(t => Same(t.Code, code)).ToList();
            var sales = Sales.Where(s => Same(CreditOf(s).Code, code)).ToList();
            return new Expected(
                scans.GetValueOrDefault(code),
                started.Count,
                Touches.Count(t => Same(t.Code, code)),
                started.Count(t => Sales.Any(s => CreditOf(s) == t)),
                sales.Count,
                sales.Sum(s => s.Value ?? 0));
        }, StringComparer.OrdinalIgnoreCase);
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    [Theory]
    [InlineData("first")]
    [InlineData("last")]
    public async Task Campaigns_Api_Carries_The_Funnel_Per_Code_And_Trigger(string model)
    {
        var report = await _app.Api.GetJsonAsync($"/api/campaigns?model={model}&since=2026-11-20T00:00:00Z&until=2026-11-21T00:00:00Z");
        var expected = ExpectedByCode(model == "first");

        var rows = report.GetProperty("byRef").EnumerateArray().ToList();
        Assert.Equal(expected.Count, rows.Count);
        foreach (var row in rows)
        {
            var code = row.Str("ref")!;
            var want = expected[code];
            Assert.Equal(TriggerOf.GetValueOrDefault(code), row.Str("triggerName"));
            Assert.Equal(
                (want.Scans, want.Conversations, want.Touches, want.Converted, want.Conversions, want.Value),
                (row.GetProperty("scans").GetInt64(), row.GetProperty("conversations").GetInt32(), row.GetProperty("touches").GetInt32(),
                 row.GetProperty("convertedConversations").GetInt32(), row.GetProperty("conversions").GetInt32(), row.GetProperty("conversionValue").GetDouble()));
            AssertPerScan(want.Scans == 0 ? null : (double)want.Conversations / want.Scans, row);
        }

        // Per trigger: the codes' figures summed (the never-written code without one on its own row).
        var byTrigger = report.GetProperty("byTrigger").EnumerateArray().ToDictionary(r => r.Str("triggerName") ?? "(none)");
        foreach (var group in expected.GroupBy(e => TriggerOf.GetValueOrDefault(e.Key) ?? "(none)"))
        {
            var row = byTrigger[group.Key];
            Assert.Equal(group.Sum(e => e.Value.Scans), row.GetProperty("scans").GetInt64());
            Assert.Equal(group.Sum(e => e.Value.Touches), row.GetProperty("touches").GetInt32());
            Assert.Equal(group.Sum(e => e.Value.Conversations), row.GetProperty("conversations").GetInt32());
            Assert.Equal(group.Sum(e => e.Value.Conversions), row.GetProperty("conversions").GetInt32());
            // Per scan: only the conversations of the trigger's scanned codes (its other codes and ads are no scan's doing).
            var scans = group.Sum(e => e.Value.Scans);
            AssertPerScan(scans == 0 ? null : (double)group.Where(e => e.Value.Scans > 0).Sum(e => e.Value.Conversations) / scans, row);
        }
    }

    [Fact]
    public async Task Scans_Count_On_Whole_Days_A_Range_Touches_And_Not_Outside_It()
    {
        var before = await _app.Api.GetJsonAsync("/api/campaigns?since=2026-11-18T00:00:00Z&until=2026-11-20T00:00:00Z");
        var partOfTheDay = await _app.Api.GetJsonAsync("/api/campaigns?since=2026-11-20T23:00:00Z&until=2026-11-21T00:00:00Z");

        Assert.Empty(before.GetProperty("byRef").EnumerateArray());
        var fresh = Assert.Single(partOfTheDay.GetProperty("byRef").EnumerateArray(), r => r.Str("ref") == "fresh_code");
        Assert.Equal(FreshScans, fresh.GetProperty("scans").GetInt64());
        Assert.Equal(0, fresh.GetProperty("touches").GetInt32());
    }

    [Fact]
    public async Task An_Ads_Row_Has_Its_Conversations_But_No_Touch_Count()
    {
        // Touches are counted per code; an ad's row says so with null rather than a zero that reads as "nobody came".
        await _app.DeliverAsync(Instagram(Message("p4", Noon.AddMinutes(140), "hi from the ad", AdReferral("120210000000777"))));

        var report = await _app.Api.GetJsonAsync("/api/campaigns?since=2026-11-20T00:00:00Z&until=2026-11-21T00:00:00Z");

        var ad = Assert.Single(report.GetProperty("byRef").EnumerateArray(), r => r.Str("adId") == "120210000000777");
        Assert.Equal(1, ad.GetProperty("conversations").GetInt32());
        Assert.Equal(JsonValueKind.Null, ad.GetProperty("touches").ValueKind);
        var box = Assert.Single(report.GetProperty("byRef").EnumerateArray(), r => r.Str("ref") == "box_2026");
        Assert.Equal(ExpectedByCode(firstTouch: true)["box_2026"].Touches, box.GetProperty("touches").GetInt32());
    }

    [Fact]
    public async Task A_Links_Own_Funnel_Counts_What_Came_Through_Each_Target_While_It_Had_It()
    {
        var links = _app.Services.GetRequiredService<TrackableLinks>();
        var link = (await links.GetAsync(_box))!.Link;

        var report = await _app.Services.GetRequiredService<LinkFunnel>().ReadAsync(link.Id);

        // box_2026 from noon to one o'clock, box_2027 after it: p1's later box_2026 touch came after the re-point.
        var targets = new[] { ("box_2026", Noon, Noon.AddHours(1)), ("box_2027", Noon.AddHours(1), DateTimeOffset.MaxValue) };
        var through = Touches.Where(t => targets.Any(g => Same(t.Code, g.Item1) && t.At >= g.Item2 && t.At < g.Item3)).ToList();
        var started = through.Where(t => Touches.First(f => f.Person == t.Person) == t).ToList();
        var sales = Sales.Where(s => started.Any(t => t.Person == s.Person)).ToList();
        var day = Assert.Single(report.Days);
        Assert.Equal(new DateOnly(2026, 11, 20), day.Day);
        Assert.Equal((long)(BoxScansBefore + BoxScansAfter), day.Scans);
        Assert.Equal(through.Count, day.Touches);
        Assert.Equal(started.Count, day.Conversations);
        Assert.Equal(sales.Count, day.Conversions);
        Assert.Equal(sales.Sum(s => s.Value ?? 0), day.Value);
        Assert.Equal(sales.Select(s => s.Person).Distinct().Count(), report.Total.Converted);
        Assert.Equal(["EUR"], report.Currencies);
    }

    private static void AssertPerScan(double? expected, JsonElement row)
    {
        var perScan = row.GetProperty("conversationsPerScan");
        if (expected is null)
        {
            Assert.Equal(JsonValueKind.Null, perScan.ValueKind);
        }
        else
        {
            Assert.Equal(expected.Value, perScan.GetDouble(), 9);
        }
    }
}

public sealed class PostgresCampaignFunnelTests() : CampaignFunnelTests(TestStore.Postgres());
