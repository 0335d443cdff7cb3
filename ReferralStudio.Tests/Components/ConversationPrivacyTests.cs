using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ReferralStudio.Auth;
using ReferralStudio.Components.Pages.Insight;
using ReferralStudio.Data;
using ReferralStudio.Insight;
using ReferralStudio.Privacy;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Components;

/// <summary>The timeline's privacy actions on a running app: the download link, and an erasure only after confirming.</summary>
public sealed class ConversationPrivacyTests : MudTestContext, IAsyncLifetime
{
    private TestApp _app = null!;
    private long _id;

    private BunitAuthorizationContext _user = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        Services.AddSingleton(_app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>());
        Services.AddSingleton(_app.Services.GetRequiredService<PersonalData>());
        Services.AddSingleton<TimeProvider>(_app.Time);
        Services.AddSingleton(new BusinessDay(_app.Time, TimeZoneInfo.Utc));
        _user = AddAuthorization().SetAuthorized("admin@studio.test").SetRoles(StudioRoles.Admin);
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var igsid = Unique("igsid");
        await _app.DeliverAsync(Instagram(Referral(igsid, _app.Time.GetUtcNow(), "privacy_page")));
        _id = (await _app.ConversationOfAsync("instagram", igsid)).GetProperty("id").GetInt64();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public void A_Marketer_Neither_Downloads_Nor_Erases_A_Person()
    {
        _user.SetRoles(StudioRoles.Marketer);

        var page = Render<ConversationPage>(p => p.Add(x => x.Id, _id));

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=timeline-title]")));
        Assert.Empty(page.FindAll("[data-testid=privacy]"));
    }

    [Fact]
    public async Task The_Download_Link_Points_At_The_Persons_Export_Behind_The_Sign_In()
    {
        var page = Render<ConversationPage>(p => p.Add(x => x.Id, _id));

        page.WaitForAssertion(() => Assert.Equal($"conversations/{_id}/personal-data.json", ByTestId(page, "download-personal-data").GetAttribute("href")));
        Assert.True(ByTestId(page, "download-personal-data").HasAttribute("download"));
        // Without the dashboard's cookie the file is not handed out.
        var anonymous = await _app.Client.GetAsync($"conversations/{_id}/personal-data.json");
        Assert.NotEqual("application/json", anonymous.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("personal-data.json", anonymous.RequestMessage!.RequestUri!.AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Erase_Asks_First_Keeps_The_Person_When_Declined_And_Leaves_For_The_Feed_With_A_Message_When_Confirmed()
    {
        var providers = Render<MudDialogProvider>();
        Render<MudPopoverProvider>();
        var snackbar = Render<MudSnackbarProvider>();
        var navigation = Services.GetRequiredService<NavigationManager>();
        var page = Render<ConversationPage>(p => p.Add(x => x.Id, _id));
        page.WaitForAssertion(() => ByTestId(page, "erase-personal-data"));

        await ClickAsync(page, "erase-personal-data");
        providers.WaitForAssertion(() => Assert.Contains("cannot be undone", providers.Markup));
        await providers.InvokeAsync(() => providers.FindAll("button").Single(b => b.TextContent.Trim() == "Keep").Click());
        providers.WaitForAssertion(() => Assert.DoesNotContain("cannot be undone", providers.Markup));
        await _app.Api.GetJsonAsync($"/api/conversations/{_id}");

        await ClickAsync(page, "erase-personal-data");
        providers.WaitForAssertion(() => Assert.Contains("Erase for good", providers.Markup));
        await providers.InvokeAsync(() => providers.FindAll("button").Single(b => b.TextContent.Trim() == "Erase for good").Click());

        page.WaitForAssertion(() => Assert.EndsWith("/feed", navigation.Uri, StringComparison.Ordinal));
        snackbar.WaitForAssertion(() => Assert.Contains("Erased", snackbar.Markup));
        await _app.Api.GetJsonAsync($"/api/conversations/{_id}", System.Net.HttpStatusCode.NotFound);
    }
}
