using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ReferralStudio.Outbound.Signing;

namespace ReferralStudio.Tests.Outbound.Signing;

/// <summary>What receivers rely on: our signatures verify with any Standard Webhooks library, and forgeries do not.</summary>
public sealed class StandardWebhookSignerTests
{
    // The Standard Webhooks reference vector (also in the Svix libraries' test suites).
    private const string ReferenceSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string ReferenceId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long ReferenceTimestamp = 1614265330;
    private const string ReferenceBody = """{"test": 2432232314}""";
    private const string ReferenceSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-21T10:00:00Z", CultureInfo.InvariantCulture);
    private static readonly string NowHeader = Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"type":"referral.received","data":{"ref":"spring-sale"}}""");

    [Fact]
    public void Signature_Matches_The_Standard_Webhooks_Reference_Vector()
    {
        var header = StandardWebhookSigner.Sign(ReferenceId, ReferenceTimestamp, Encoding.UTF8.GetBytes(ReferenceBody), [ReferenceSecret]);

        Assert.Equal(ReferenceSignature, header);
    }

    [Fact]
    public void Reference_Vector_Verifies_At_Its_Own_Timestamp()
    {
        var at = new FixedTime(DateTimeOffset.FromUnixTimeSeconds(ReferenceTimestamp));

        Assert.True(StandardWebhookSigner.Verify(ReferenceId, "1614265330", Encoding.UTF8.GetBytes(ReferenceBody), ReferenceSignature, ReferenceSecret, at));
    }

    [Fact]
    public void Signature_Is_Hmac_Sha256_Of_Id_Timestamp_And_Body_Keyed_With_The_Decoded_Secret()
    {
        var secret = WebhookSecret.Generate();
        using var hmac = new HMACSHA256(Convert.FromBase64String(secret["whsec_".Length..]));
        var expected = Convert.ToBase64String(hmac.ComputeHash([.. Encoding.UTF8.GetBytes($"evt_42.{NowHeader}."), .. Body]));

        var header = StandardWebhookSigner.Sign("evt_42", Now.ToUnixTimeSeconds(), Body, [secret]);

        Assert.Equal("v1," + expected, header);
    }

    [Fact]
    public void During_A_Rotation_Both_Secrets_Sign_And_A_Receiver_Holding_Either_Verifies()
    {
        var oldSecret = WebhookSecret.Generate();
        var newSecret = WebhookSecret.Generate();

        var header = StandardWebhookSigner.Sign("evt_1", Now.ToUnixTimeSeconds(), Body, [newSecret, oldSecret]);

        Assert.Equal(2, header.Split(' ').Length);
        Assert.All(header.Split(' '), entry => Assert.StartsWith("v1,", entry));
        Assert.True(Verify(header, oldSecret));
        Assert.True(Verify(header, newSecret));
        Assert.False(Verify(header, WebhookSecret.Generate()));
    }

    [Fact]
    public void Signing_Refuses_An_Empty_Secret_List_Or_An_Invalid_Secret_Without_Echoing_It()
    {
        Assert.Throws<ArgumentException>(() => StandardWebhookSigner.Sign("evt_1", 1, Body, []));

        var leaked = "whsec_not-really-base64!";
        var error = Assert.Throws<ArgumentException>(() => StandardWebhookSigner.Sign("evt_1", 1, Body, [WebhookSecret.Generate(), leaked]));
        Assert.DoesNotContain(leaked, error.Message);
    }

    [Fact]
    public void Any_Change_To_Body_Id_Or_Timestamp_Breaks_The_Signature()
    {
        var secret = WebhookSecret.Generate();
        var header = StandardWebhookSigner.Sign("evt_1", Now.ToUnixTimeSeconds(), Body, [secret]);
        var tampered = Body.ToArray();
        tampered[^2] ^= 1;
        var earlier = (Now.ToUnixTimeSeconds() - 1).ToString(CultureInfo.InvariantCulture);

        Assert.True(StandardWebhookSigner.Verify("evt_1", NowHeader, Body, header, secret, new FixedTime(Now)));
        Assert.False(StandardWebhookSigner.Verify("evt_1", NowHeader, tampered, header, secret, new FixedTime(Now)));
        Assert.False(StandardWebhookSigner.Verify("evt_2", NowHeader, Body, header, secret, new FixedTime(Now)));
        Assert.False(StandardWebhookSigner.Verify("evt_1", earlier, Body, header, secret, new FixedTime(Now)));
    }

    [Theory]
    [InlineData(-300, true)]
    [InlineData(300, true)]
    [InlineData(-301, false)]
    [InlineData(301, false)]
    [InlineData(-86_400, false)]
    public void Timestamps_More_Than_Five_Minutes_From_Now_Either_Way_Are_Rejected(int offsetSeconds, bool accepted)
    {
        var secret = WebhookSecret.Generate();
        var sentAt = Now.AddSeconds(offsetSeconds).ToUnixTimeSeconds();
        var header = StandardWebhookSigner.Sign("evt_1", sentAt, Body, [secret]);

        var valid = StandardWebhookSigner.Verify("evt_1", sentAt.ToString(CultureInfo.InvariantCulture), Body, header, secret, new FixedTime(Now));

        Assert.Equal(accepted, valid);
    }

    [Fact]
    public void A_Custom_Tolerance_Widens_Or_Narrows_The_Window()
    {
        var secret = WebhookSecret.Generate();
        var sentAt = Now.AddMinutes(-10).ToUnixTimeSeconds();
        var header = StandardWebhookSigner.Sign("evt_1", sentAt, Body, [secret]);
        var stamp = sentAt.ToString(CultureInfo.InvariantCulture);

        Assert.True(StandardWebhookSigner.Verify("evt_1", stamp, Body, header, secret, new FixedTime(Now), TimeSpan.FromMinutes(15)));
        Assert.False(StandardWebhookSigner.Verify("evt_1", stamp, Body, header, secret, new FixedTime(Now), TimeSpan.FromMinutes(9)));
    }

    [Fact]
    public void A_Matching_Entry_Is_Found_Among_Unknown_Versions_And_Bad_Entries()
    {
        var secret = WebhookSecret.Generate();
        var good = StandardWebhookSigner.Sign("evt_1", Now.ToUnixTimeSeconds(), Body, [secret]);
        var other = StandardWebhookSigner.Sign("evt_1", Now.ToUnixTimeSeconds(), Body, [WebhookSecret.Generate()]);

        Assert.True(Verify($"v1a,c29tZXRoaW5nIGVsc2U= {other} v1,!!! {good}", secret));
        // The same bytes under another version label are not a v1 signature.
        Assert.False(Verify(good.Replace("v1,", "v2,", StringComparison.Ordinal), secret));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("v1")]
    [InlineData("v1,")]
    [InlineData("v1,not base64 at all")]
    [InlineData("v1,AAAA")]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE")]
    [InlineData("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("sha256=83484cf52b04f8e3d32531adfed9882ad4b26651377b894425594d20e2c9d4e1")]
    public void Malformed_Signature_Headers_Are_Rejected_Without_Throwing(string? signature)
    {
        var at = new FixedTime(DateTimeOffset.FromUnixTimeSeconds(ReferenceTimestamp));

        Assert.False(StandardWebhookSigner.Verify(ReferenceId, "1614265330", Encoding.UTF8.GetBytes(ReferenceBody), signature, ReferenceSecret, at));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-1614265330")]
    [InlineData("+1614265330")]
    [InlineData(" 1614265330")]
    [InlineData("1614265330.5")]
    [InlineData("1.6e9")]
    [InlineData("99999999999999999999999")]
    [InlineData("9223372036854775807")]
    public void Malformed_Timestamps_Are_Rejected_Without_Throwing(string? timestamp)
    {
        var at = new FixedTime(DateTimeOffset.FromUnixTimeSeconds(ReferenceTimestamp));

        Assert.False(StandardWebhookSigner.Verify(ReferenceId, timestamp, Encoding.UTF8.GetBytes(ReferenceBody), ReferenceSignature, ReferenceSecret, at));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsec_")]
    [InlineData("whsec_%%%")]
    public void Missing_Id_Or_Unusable_Secret_Fails_Verification_Without_Throwing(string? secret)
    {
        var at = new FixedTime(DateTimeOffset.FromUnixTimeSeconds(ReferenceTimestamp));
        var body = Encoding.UTF8.GetBytes(ReferenceBody);

        Assert.False(StandardWebhookSigner.Verify(ReferenceId, "1614265330", body, ReferenceSignature, secret, at));
        Assert.False(StandardWebhookSigner.Verify(null, "1614265330", body, ReferenceSignature, ReferenceSecret, at));
        Assert.False(StandardWebhookSigner.Verify("", "1614265330", body, ReferenceSignature, ReferenceSecret, at));
    }

    private static bool Verify(string signatureHeader, string secret) =>
        StandardWebhookSigner.Verify("evt_1", NowHeader, Body, signatureHeader, secret, new FixedTime(Now));

    /// <summary>A clock stopped at one instant, for checks that depend on "now".</summary>
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
