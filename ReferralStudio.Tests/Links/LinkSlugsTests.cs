using ReferralStudio.Hosting;
using ReferralStudio.Links.Trackable;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Links;

/// <summary>Slugs made and chosen, and the public address setting they are printed under.</summary>
public sealed class LinkSlugsTests
{
    [Fact]
    public void Generated_Slugs_Pass_The_Chosen_Slug_Rules()
    {
        for (var i = 0; i < 200; i++)
        {
            Assert.Null(LinkSlugs.Validate(LinkSlugs.Generate()));
        }
    }

    [Fact]
    public void Upper_Case_Slug_Is_Refused_With_The_Lower_Case_Suggestion() =>
        Assert.Contains("spring-box", LinkSlugs.Validate("Spring-Box"));

    [Theory]
    [InlineData("https://go.example.com", null)]
    [InlineData("http://localhost:5000/", null)]
    [InlineData("", null)]
    [InlineData("go.example.com", "Links:PublicBaseUrl")]
    [InlineData("ftp://go.example.com", "Links:PublicBaseUrl")]
    [InlineData("https://go.example.com/?utm=1", "Links:PublicBaseUrl")]
    public void Public_Base_Url_Must_Be_An_Absolute_Http_Address(string value, string? refusalNames)
    {
        var refusal = LinkOptions.PublicBaseUrlRule(value);

        if (refusalNames is null)
        {
            Assert.Null(refusal);
        }
        else
        {
            Assert.Contains(refusalNames, refusal);
        }
    }

    [Fact]
    public async Task App_Refuses_To_Start_With_A_Relative_Public_Base_Url()
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => TestApp.StartAsync(settings: new Dictionary<string, string?> { ["Links:PublicBaseUrl"] = "go.example.com" }));

        Assert.Contains("Links:PublicBaseUrl must be an absolute http or https address", SettingsRefusal.Describe(refused));
    }
}
