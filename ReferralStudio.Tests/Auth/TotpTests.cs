using System.Text;
using ReferralStudio.Auth;

namespace ReferralStudio.Tests.Auth;

/// <summary>The code arithmetic against the RFCs' own test vectors, and which steps a typed code may come from.</summary>
public sealed class TotpTests
{
    /// <summary>RFC 6238 appendix B's SHA-1 key, the ASCII digits "12345678901234567890".</summary>
    private static readonly byte[] RfcKey = Encoding.ASCII.GetBytes("12345678901234567890");
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-20T12:00:10Z", System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    // RFC 6238 appendix B (SHA-1), last six of its eight digits.
    [InlineData(59L, 287082)]
    [InlineData(1111111109L, 81804)]
    [InlineData(1111111111L, 50471)]
    [InlineData(1234567890L, 5924)]
    [InlineData(2000000000L, 279037)]
    [InlineData(20000000000L, 353130)]
    public void Codes_Match_The_Rfc_6238_Test_Vectors(long unixSeconds, int code) =>
        Assert.Equal(code, Totp.Code(RfcKey, Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixSeconds))));

    [Fact]
    public void A_Code_Counts_For_Its_Step_And_One_Either_Side_Only()
    {
        var key = Base32.Decode("JBSWY3DPEHPK3PXP")!;
        var step = Totp.StepAt(Now);
        string At(TimeSpan offset) => AuthenticatorApp.CodeAt("JBSWY3DPEHPK3PXP", Now + offset);

        Assert.Equal(step, Totp.Match(key, At(TimeSpan.Zero), Now, null));
        Assert.Equal(step - 1, Totp.Match(key, At(TimeSpan.FromSeconds(-30)), Now, null));
        Assert.Equal(step + 1, Totp.Match(key, At(TimeSpan.FromSeconds(30)), Now, null));
        Assert.Null(Totp.Match(key, At(TimeSpan.FromSeconds(-60)), Now, null));
        Assert.Null(Totp.Match(key, At(TimeSpan.FromSeconds(60)), Now, null));
    }

    [Fact]
    public void A_Used_Step_And_Every_Earlier_One_Are_Refused()
    {
        var key = Base32.Decode("JBSWY3DPEHPK3PXP")!;
        var step = Totp.StepAt(Now);
        var code = AuthenticatorApp.CodeAt("JBSWY3DPEHPK3PXP", Now);
        var previous = AuthenticatorApp.CodeAt("JBSWY3DPEHPK3PXP", Now.AddSeconds(-30));

        Assert.Null(Totp.Match(key, code, Now, lastUsedStep: step));
        Assert.Null(Totp.Match(key, previous, Now, lastUsedStep: step));
        Assert.Equal(step, Totp.Match(key, code, Now, lastUsedStep: step - 1));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    [InlineData("١٢٣٤٥٦")]
    public void Anything_But_Six_Digits_Matches_Nothing(string typed) =>
        Assert.Null(Totp.Match(Base32.Decode("JBSWY3DPEHPK3PXP")!, typed, Now, null));

    [Fact]
    public void Spaces_And_A_Dash_In_A_Typed_Code_Are_Ignored()
    {
        var code = AuthenticatorApp.CodeAt("JBSWY3DPEHPK3PXP", Now);
        Assert.NotNull(Totp.Match(Base32.Decode("JBSWY3DPEHPK3PXP")!, $" {code[..3]} {code[3..]}", Now, null));
        Assert.NotNull(Totp.Match(Base32.Decode("JBSWY3DPEHPK3PXP")!, $"{code[..3]}-{code[3..]}", Now, null));
    }

    [Theory]
    // RFC 4648 section 10, without padding.
    [InlineData("", "")]
    [InlineData("f", "MY")]
    [InlineData("fo", "MZXQ")]
    [InlineData("foo", "MZXW6")]
    [InlineData("foob", "MZXW6YQ")]
    [InlineData("fooba", "MZXW6YTB")]
    [InlineData("foobar", "MZXW6YTBOI")]
    public void Base32_Matches_Rfc_4648(string plain, string encoded)
    {
        Assert.Equal(encoded, Base32.Encode(Encoding.ASCII.GetBytes(plain)));
        Assert.Equal(plain, Encoding.ASCII.GetString(Base32.Decode(encoded.ToLowerInvariant())!));
    }
}
