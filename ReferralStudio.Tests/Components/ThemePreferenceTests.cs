using ReferralStudio.Components.Theme;

namespace ReferralStudio.Tests.Components;

public sealed class ThemePreferenceTests
{
    [Theory]
    [InlineData("dark", null, true)]
    [InlineData("light", "\"dark\"", false)]
    [InlineData(null, "\"dark\"", true)]
    [InlineData(null, "\"light\"", false)]
    [InlineData(null, null, null)]
    public void A_remembered_choice_wins_over_the_browser_hint(string? cookie, string? hint, bool? dark)
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        if (cookie is not null)
        {
            context.Request.Headers.Cookie = $"{ThemePreference.Cookie}={cookie}";
        }

        if (hint is not null)
        {
            context.Request.Headers["Sec-CH-Prefers-Color-Scheme"] = hint;
        }

        Assert.Equal(dark, ThemePreference.FromRequest(context.Request));
    }
}
