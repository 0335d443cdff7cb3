using System.Net;
using System.Text;
using ReferralStudio.Tests.Infrastructure;
using ReferralStudio.Webhooks;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Reliability;

/// <summary>Unsigned, tampered, wrong-secret and malformed-header deliveries are refused before anything is written.</summary>
public sealed class SignatureGateTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private readonly TestApp _app = fixture.App;
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T10:00:00Z");

    private static byte[] NewBody() => Encoding.UTF8.GetBytes(Instagram(Referral(Unique("igsid"), T0, "gate_code")));

    /// <summary>Row counts once earlier tests' accepted deliveries are processed, so a late event row is not mistaken for a write.</summary>
    private async Task<(int Deliveries, int Events)> SettledCountsAsync()
    {
        await _app.WhenIdleAsync();
        return await TestDatabase.InboxCountsAsync(_app.DatabasePath);
    }

    private static string Right(byte[] body) => MetaSignature.Sign(body, Encoding.UTF8.GetBytes(TestApp.AppSecret));

    public static TheoryData<string, string> Malformed => new()
    {
        { "empty", "" },
        { "prefix only", "sha256=" },
        { "63 hex digits", "sha256=" + new string('a', 63) },
        { "65 hex digits", "sha256=" + new string('a', 65) },
        { "64 non-hex characters", "sha256=" + new string('g', 64) },
        { "sha1", "sha1=" + new string('a', 40) },
        { "no prefix", new string('a', 64) },
        { "space after the prefix", "sha256= " + new string('a', 63) },
        { "base64 instead of hex", "sha256=" + Convert.ToBase64String(new byte[32]) },
        { "uppercase prefix, wrong digits", "SHA256=" + new string('A', 64) },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Malformed_Signature_Header_Is_Refused_And_Nothing_Is_Written(string shape, string header)
    {
        var before = await SettledCountsAsync();

        using var response = await _app.PostWebhookAsync(NewBody(), header);

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{shape}: {response.StatusCode}");
        Assert.Equal(before, await TestDatabase.InboxCountsAsync(_app.DatabasePath));
    }

    [Fact]
    public async Task Signature_Made_With_Another_Secret_Is_Refused_And_Nothing_Is_Written()
    {
        var body = NewBody();
        var before = await SettledCountsAsync();

        using var response = await _app.PostWebhookAsync(body, MetaSignature.Sign(body, Encoding.UTF8.GetBytes("the-previous-app-secret")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, await TestDatabase.InboxCountsAsync(_app.DatabasePath));
    }

    [Fact]
    public async Task Uppercase_Hex_Of_A_Wrong_Signature_Is_Refused_Though_Hex_Case_Itself_Is_Not_Significant()
    {
        var body = NewBody();
        var wrong = MetaSignature.Sign(body, Encoding.UTF8.GetBytes("wrong-secret"));
        var before = await SettledCountsAsync();

        using var refused = await _app.PostWebhookAsync(body, "sha256=" + wrong[7..].ToUpperInvariant());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(before, await TestDatabase.InboxCountsAsync(_app.DatabasePath));

        // The same digest in capitals is the same signature: hex is case-insensitive, so Meta's lowercase is not required.
        using var accepted = await _app.PostWebhookAsync(body, "sha256=" + Right(body)[7..].ToUpperInvariant());
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Two_Signature_Headers_Are_Refused_Even_When_One_Is_Right()
    {
        var body = NewBody();
        var before = await SettledCountsAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, WebhookEndpoints.Path) { Content = new ByteArrayContent(body) };
        request.Headers.TryAddWithoutValidation(WebhookEndpoints.SignatureHeader, [Right(body), "sha256=" + new string('0', 64)]);

        using var response = await _app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(before, await TestDatabase.InboxCountsAsync(_app.DatabasePath));
    }

    [Fact]
    public async Task Tampered_Bodies_Are_Refused_And_Nothing_Is_Written()
    {
        var body = NewBody();
        var signature = Right(body);
        var before = await SettledCountsAsync();
        var tampered = new List<byte[]>
        {
            Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace("gate_code", "evil_code")),
            body.Append((byte)' ').ToArray(),
            body[..^1],
            body.Prepend((byte)' ').ToArray(),
            Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body).Replace(",", ", ")),
        };

        foreach (var variant in tampered)
        {
            using var response = await _app.PostWebhookAsync(variant, signature);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Equal(before, await TestDatabase.InboxCountsAsync(_app.DatabasePath));
    }

    [Fact]
    public async Task Surrounding_Whitespace_Around_The_Right_Signature_Is_Tolerated()
    {
        var body = NewBody();

        using var response = await _app.PostWebhookAsync(body, "  " + Right(body) + " ");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
