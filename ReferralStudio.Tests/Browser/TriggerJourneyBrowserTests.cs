using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ReferralStudio.Accounts;
using ReferralStudio.Data;
using ReferralStudio.Tests.Links;

namespace ReferralStudio.Tests.Browser;

/// <summary>
/// A marketer's shortest paths from a new trigger: a code to a copied link and a print QR, a pattern to an
/// affiliate kit for it, each from the confirmation the save leads to.
/// </summary>
public sealed class TriggerJourneyBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    protected override async Task SeedAsync()
    {
        // The account the links are built for, as Settings → Accounts would have saved it.
        var contexts = App.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        db.BusinessAccounts.Add(new BusinessAccount { Platform = "instagram", AccountId = "17841400000000001", Handle = "acme.shop", CreatedAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync();
    }

    private static async Task SaveNewTriggerAsync(IPage page, string name, string pattern)
    {
        await page.OpenAsync("/triggers/new");
        await page.GetByTestId("name").FillAsync(name);
        await page.GetByTestId("pattern").FillAsync(pattern);
        await page.GetByTestId("save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("saved")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Code_Leads_To_Its_Link_And_Print_Qr_And_Pattern_Leads_To_An_Affiliate_Kit()
    {
        var page = await Browser.SignedInPageAsync(App, acceptDownloads: true);
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);

        await SaveNewTriggerAsync(page, "Summer sale", "summer_sale");

        Assert.Matches(@"/triggers/\d+\?saved=true$", page.Url);
        await Assertions.Expect(page.GetByTestId("saved-url-instagram")).ToHaveTextAsync("https://ig.me/m/acme.shop?ref=summer_sale");
        await page.ScreenshotAsync("trigger-saved-code-light");
        await page.GetByTestId("copy-link-instagram").ClickAsync();
        await Assertions.Expect(page.GetByTestId("copy-link-instagram")).ToContainTextAsync("Link copied");
        await page.ExpectClipboardAsync("https://ig.me/m/acme.shop?ref=summer_sale");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-qr-instagram").ClickAsync());
        var path = Path.Combine(Path.GetTempPath(), $"print-qr-{Guid.NewGuid():N}.png");
        await download.SaveAsAsync(path);
        try
        {
            Assert.Equal("summer_sale-instagram.png", download.SuggestedFilename);
            Assert.Equal(["https://ig.me/m/acme.shop?ref=summer_sale"], Tools.DecodeQr(await File.ReadAllBytesAsync(path)));
        }
        finally
        {
            File.Delete(path);
        }

        await Assertions.Expect(page.GetByTestId("open-studio")).ToHaveAttributeAsync("href", "studio?code=summer_sale");

        await SaveNewTriggerAsync(page, "Creators", "creator_*");

        await Assertions.Expect(page.GetByTestId("saved")).ToContainTextAsync("no single link or QR code");
        Assert.Equal(0, await page.GetByTestId("download-qr-instagram").CountAsync());
        await page.ScreenshotAsync("trigger-saved-pattern-light");
        await page.GetByTestId("make-kit").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/studio/kits?pattern=creator_%2A"));
        // The kit page takes the pattern's fixed part as the prefix of every affiliate's code (its own default is collab_).
        await Assertions.Expect(page.GetByTestId("kit-prefix")).ToHaveValueAsync("creator_");
        await page.ScreenshotAsync("trigger-kit-from-pattern-light");
    }
}
