using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Components.Pages.Studio;
using ReferralStudio.Data;
using ReferralStudio.Links;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Components.Studio;

/// <summary>The website button form: contrast refused with its ratio, the ref a campaign becomes shown and editable.</summary>
public sealed class WebsiteButtonPageTests : MudTestContext
{
    private async Task<(TestApp App, IRenderedComponent<WebsiteButtonPage> Page)> RenderPageAsync()
    {
        // The page reads the business accounts; a real app on a temp SQLite file provides them (none yet).
        var app = await TestApp.StartAsync();
        Services.AddSingleton(app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>());
        var page = Render<WebsiteButtonPage>();
        await TypeAsync(page, "button-account", "acme.shop");
        page.WaitForElement("[data-testid='button-preview'] a");
        return (app, page);
    }

    private static string FieldText(IRenderedComponent<WebsiteButtonPage> page, string id) => ByTestId(page, id).Closest(".mud-input-control")!.TextContent;

    [Fact]
    public async Task The_Label_Starts_With_The_Platforms_Default_And_An_Emptied_Label_Is_Refused()
    {
        var (app, page) = await RenderPageAsync();
        await using var _ = app;

        Assert.Equal(WebsiteButton.DefaultLabel("instagram"), ByTestId(page, "button-label").GetAttribute("value"));
        Assert.Contains("What the button says, up to 80 characters", FieldText(page, "button-label"));

        await TypeAsync(page, "button-label", "");

        page.WaitForAssertion(() => Assert.Contains("Enter the text the button shows.", FieldText(page, "button-label")));
        Assert.Empty(page.FindAll("[data-testid='button-preview']"));
    }

    [Fact]
    public async Task Text_The_Colour_Of_The_Background_Is_Refused_With_The_Contrast_Ratio()
    {
        var (app, page) = await RenderPageAsync();
        await using var _ = app;
        Assert.Contains("Contrast 5.1:1 on the background", FieldText(page, "button-fg"));

        await TypeAsync(page, "button-fg", WebsiteButton.DefaultBackground("instagram"));

        page.WaitForAssertion(() => Assert.Contains("contrast of 1.0:1", FieldText(page, "button-fg")));
        Assert.Contains("at least 4.5:1", FieldText(page, "button-fg"));
        Assert.Equal("true", ByTestId(page, "button-fg").GetAttribute("aria-invalid"));
        Assert.Empty(page.FindAll("[data-testid='button-preview'], [data-testid='button-snippet']"));
        Assert.Equal("Fix the text colour to see the button.", ByTestId(page, "button-invalid").TextContent.Trim());
    }

    [Fact]
    public async Task Nearly_Readable_Text_Is_Refused_Without_Rounding_Up_To_The_Limit()
    {
        var (app, page) = await RenderPageAsync();
        await using var _ = app;

        await TypeAsync(page, "button-bg", "#ffffff");
        page.WaitForAssertion(() => Assert.Contains("contrast of 1.0:1", FieldText(page, "button-fg")));
        await TypeAsync(page, "button-fg", "#777777");

        page.WaitForAssertion(() => Assert.Contains("contrast of 4.4:1", FieldText(page, "button-fg")));
        Assert.DoesNotContain("contrast", FieldText(page, "button-bg"));
    }

    [Fact]
    public async Task A_Campaign_Shows_The_Ref_It_Becomes_And_Why()
    {
        var (app, page) = await RenderPageAsync();
        await using var _ = app;

        await TypeAsync(page, "button-utm", "Spring Launch! été 2026");

        page.WaitForAssertion(() => Assert.Equal(
            "The button sends Spring_Launch_ete_2026, because refs allow only letters A-Z, digits and _ - =: spaces became _; é became e; '!' was dropped.",
            ByTestId(page, "button-ref").TextContent));
        Assert.Equal("https://ig.me/m/acme.shop?ref=Spring_Launch_ete_2026", ByTestId(page, "button-href").TextContent);
        Assert.Equal("Spring_Launch_ete_2026", ByTestId(page, "button-ref-edit").GetAttribute("value"));
    }

    [Fact]
    public async Task The_Ref_For_A_Campaign_Can_Be_Changed_And_Goes_Into_The_Snippet()
    {
        var (app, page) = await RenderPageAsync();
        await using var _ = app;
        await TypeAsync(page, "button-utm", "Spring Launch! été 2026");
        page.WaitForAssertion(() => Assert.Equal("Spring_Launch_ete_2026", ByTestId(page, "button-ref-edit").GetAttribute("value")));

        await TypeAsync(page, "button-ref-edit", "spring launch");
        page.WaitForAssertion(() => Assert.Contains("Spaces aren't allowed in codes", FieldText(page, "button-ref-edit")));
        Assert.True(ByTestId(page, "button-ref-save").HasAttribute("disabled"));

        await TypeAsync(page, "button-ref-edit", "spring26");
        page.WaitForAssertion(() => Assert.False(ByTestId(page, "button-ref-save").HasAttribute("disabled")));
        await ClickAsync(page, "button-ref-save");

        page.WaitForAssertion(() => Assert.Equal("https://ig.me/m/acme.shop?ref=spring26", ByTestId(page, "button-href").TextContent));
        Assert.Equal("This campaign sends the ref you chose: spring26.", ByTestId(page, "button-ref").TextContent);
        Assert.Contains("[\"Spring Launch! \\u00e9t\\u00e9 2026\", \"spring26\"]", ByTestId(page, "button-snippet").TextContent);
        Assert.Contains("spring26", ByTestId(page, "button-campaign-refs").TextContent);
    }

    [Fact]
    public async Task The_Preview_Is_The_Snippets_Own_Link()
    {
        var (app, page) = await RenderPageAsync();
        await using var _ = app;

        var preview = page.Find("[data-testid='button-preview'] a");
        var snippet = ByTestId(page, "button-snippet").TextContent;

        Assert.Contains($"style=\"{preview.GetAttribute("style")}\"", snippet);
        Assert.Contains("border-radius:8px", preview.GetAttribute("style"));
        Assert.Equal(WebsiteButton.DefaultLabel("instagram"), preview.TextContent);
    }
}
