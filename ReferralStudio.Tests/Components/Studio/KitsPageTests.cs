using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Components.Pages.Studio;
using ReferralStudio.Data;
using ReferralStudio.Triggers;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Components.Studio;

/// <summary>Affiliate kits reached from a saved pattern: the prefix filled in, an existing pattern worded as the good news it is.</summary>
public sealed class KitsPageTests : MudTestContext
{
    // Debounced fields, the first load of the caption font and a busy CI machine: more than bunit's default second.

    private async Task<(TestApp App, IRenderedComponent<KitsPage> Page)> RenderPageAsync(string path, string? existingPattern = null)
    {
        var app = await TestApp.StartAsync();
        var triggers = app.Services.GetRequiredService<TriggerService>();
        if (existingPattern is not null)
        {
            var saved = await triggers.CreateAsync(ReferralStudio.Audit.AuditActor.System, new TriggerRequest("Collabs", existingPattern, [], [], 0, true, new TriggerActionsDto(["affiliate:{1}"], null)));
            Assert.True(saved.Saved);
        }

        Services.AddSingleton(app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>());
        Services.AddSingleton(triggers);
        Services.AddSingleton(app.Services.GetRequiredService<IMemoryCache>());
        Services.GetRequiredService<NavigationManager>().NavigateTo(path);
        return (app, Render<KitsPage>());
    }

    [Fact]
    public async Task A_Pattern_Already_Saved_Fills_The_Prefix_And_Says_The_Codes_Will_Be_Attributed()
    {
        var (app, page) = await RenderPageAsync("studio/kits?pattern=collab_*", existingPattern: "collab_*");
        await using var _ = app;

        page.WaitForAssertion(() => Assert.Equal("collab_", ByTestId(page, "kit-prefix").GetAttribute("value")));
        Assert.Equal("Already covered by pattern collab_* (Collabs): these codes will be attributed.",
            System.Text.RegularExpressions.Regex.Replace(ByTestId(page, "kit-covered").TextContent, @"\s+", " ").Trim());
        Assert.Empty(page.FindAll("[data-testid='kit-create-pattern']"));
        Assert.Empty(page.FindAll("[data-testid='kit-pattern-note']"));
    }

    [Fact]
    public async Task A_Pattern_Not_Yet_Saved_Offers_To_Create_It()
    {
        var (app, page) = await RenderPageAsync("studio/kits?pattern=partner_*");
        await using var _ = app;

        page.WaitForAssertion(() => Assert.Equal("partner_", ByTestId(page, "kit-prefix").GetAttribute("value")));
        Assert.Contains("Also create the pattern trigger partner_*", ByTestId(page, "kit-create-pattern").TextContent);
        Assert.Empty(page.FindAll("[data-testid='kit-covered']"));
    }

    [Fact]
    public async Task A_Pattern_A_Kit_Cannot_Follow_Is_Explained()
    {
        var (app, page) = await RenderPageAsync("studio/kits?pattern=*_2026");
        await using var _ = app;

        page.WaitForAssertion(() => Assert.Contains("cannot follow the pattern *_2026", ByTestId(page, "kit-pattern-note").TextContent));
        Assert.Equal("collab_", ByTestId(page, "kit-prefix").GetAttribute("value"));
    }

    [Fact]
    public async Task Building_A_Kit_For_A_Covered_Pattern_Reports_No_Failure()
    {
        var (app, page) = await RenderPageAsync("studio/kits?pattern=collab_*", existingPattern: "collab_*");
        await using var _ = app;
        page.WaitForElement("[data-testid='kit-covered']");

        await TypeAsync(page, "kit-names", "Anna\nJosé Müller");
        await TypeAsync(page, "kit-instagram", "acme.shop");
        await ClickAsync(page, "build-kit");

        page.WaitForAssertion(() => Assert.Equal("2 codes", ByTestId(page, "kit-count").TextContent));
        Assert.Empty(page.FindAll("[data-testid='kit-trigger'], [data-testid='kit-error']"));
        Assert.Contains("collab_jose_muller", ByTestId(page, "kit-grid").TextContent);
        // The ZIP is written after the grid shows; its link follows.
        page.WaitForAssertion(() => Assert.NotNull(ByTestId(page, "download-kit").GetAttribute("href")));
    }

    [Fact]
    public async Task A_Missing_Account_Is_Named_Next_To_Its_Field_Only_After_Build()
    {
        var (app, page) = await RenderPageAsync("studio/kits");
        await using var _ = app;
        await TypeAsync(page, "kit-names", "Anna");
        Assert.DoesNotContain("Enter the account", ByTestId(page, "kit-instagram").Closest(".mud-input-control")!.TextContent);

        await ClickAsync(page, "build-kit");

        page.WaitForAssertion(() => Assert.Contains("Enter the account the QR codes should open.", ByTestId(page, "kit-instagram").Closest(".mud-input-control")!.TextContent));
        Assert.Empty(page.FindAll("[data-testid='kit-count']"));
    }

    [Fact]
    public async Task Names_The_Caption_Font_Cannot_Print_Are_Named_Before_Build()
    {
        var (app, page) = await RenderPageAsync("studio/kits");
        await using var _ = app;
        var popovers = RenderProviders();
        await TypeAsync(page, "kit-names", "Anna\nParty \U0001F389");

        ByTestId(page, "kit-caption").Closest(".mud-input-control")!.MouseDown();
        popovers.WaitForAssertion(() => Assert.Contains(popovers.FindAll(".mud-list-item"), i => i.TextContent.Contains("The affiliate's name")));
        popovers.FindAll(".mud-list-item").First(i => i.TextContent.Contains("The affiliate's name")).Click();

        page.WaitForAssertion(() => Assert.Contains("in the name \"Party \U0001F389\"", ByTestId(page, "kit-caption").Closest(".mud-input-control")!.TextContent));
        await TypeAsync(page, "kit-instagram", "acme.shop");
        await ClickAsync(page, "build-kit");
        page.WaitForAssertion(() => Assert.StartsWith("Fix the caption:", ByTestId(page, "kit-error").TextContent.Trim()));
        Assert.Empty(page.FindAll("[data-testid='kit-count']"));
    }

    [Fact]
    public async Task The_Upload_Button_Is_Labelled()
    {
        var (app, page) = await RenderPageAsync("studio/kits");
        await using var _ = app;

        Assert.Equal("Upload names from a CSV or text file", ByTestId(page, "kit-upload-button").TextContent.Trim());
        var input = page.Find("input[type=file]");
        Assert.True(input.HasAttribute("hidden") || input.GetAttribute("aria-label") is not null || input.GetAttribute("style")?.Contains("display:none") == true,
            "the file input is either hidden behind the labelled button or labelled itself");
    }
}
