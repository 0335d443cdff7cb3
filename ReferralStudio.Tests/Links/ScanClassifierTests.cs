using ReferralStudio.Links.Trackable;

namespace ReferralStudio.Tests.Links;

/// <summary>Which requests to /go/ count as a person's scan, and the device class they count under.</summary>
public sealed class ScanClassifierTests
{
    [Theory]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Instagram 330.0", "ios")]
    [InlineData("Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X) AppleWebKit/605.1.15", "ios")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 Chrome/125.0 Mobile Safari/537.36", "android")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15", "desktop")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0", "desktop")]
    [InlineData("curl/8.5.0", "other")]
    [InlineData("", "other")]
    public void Device_Class_Comes_From_The_User_Agent(string userAgent, string expected) =>
        Assert.Equal(expected, ScanClassifier.DeviceOf(userAgent));

    [Fact]
    public void A_Phone_Browser_Get_Is_Counted() =>
        Assert.True(ScanClassifier.IsCounted("GET", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)", default, default, default));

    [Fact]
    public void Firefox_Link_Prefetch_Is_Not_Counted() =>
        Assert.False(ScanClassifier.IsCounted("GET", "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Firefox/126.0", default, default, "prefetch"));
}
