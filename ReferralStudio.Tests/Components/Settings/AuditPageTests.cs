using System.Net;
using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ReferralStudio.Accounts;
using ReferralStudio.Audit;
using ReferralStudio.Components.Pages.Settings;
using ReferralStudio.Data;
using ReferralStudio.Insight;
using ReferralStudio.Security;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Components.Settings;

/// <summary>The audit page on a running app's services: filtered, paged by the server, exported as CSV; and a dashboard change names its user.</summary>
public sealed class AuditPageTests : MudTestContext, IAsyncLifetime
{
    private TestApp _app = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        Services.AddSingleton(_app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>());
        Services.AddSingleton(_app.Services.GetRequiredService<BusinessDay>());
        Services.AddSingleton(_app.Services.GetRequiredService<BusinessAccounts>());
        Services.AddSingleton(_app.Services.GetRequiredService<StoredSecrets>());
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Thirty trigger changes and three account changes, by two people.</summary>
    private async Task SeedAsync()
    {
        var audit = _app.Services.GetRequiredService<AuditLog>();
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        for (var i = 1; i <= 30; i++)
        {
            audit.Add(db, AuditActor.User("ana@studio.test", "7"), AuditActions.TriggerCreated, null,
                new AuditSnapshot(AuditActions.Trigger, i.ToString(), $"Trigger {i}").Field("pattern", $"code_{i}"));
        }

        for (var i = 1; i <= 3; i++)
        {
            audit.Add(db, AuditActor.ApiKey("api"), AuditActions.AccountDeleted,
                new AuditSnapshot(AuditActions.Account, i.ToString(), i == 1 ? "=HYPERLINK(\"x\")" : $"instagram shop{i}").Field("handle", $"shop{i}").Secret("accessToken", "dp1:stored"), null);
        }

        await db.SaveChangesAsync();
    }

    private IRenderedComponent<AuditPage> Open(string address)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(address);
        return Render<AuditPage>();
    }

    [Fact]
    public async Task Filtering_By_Entity_Type_Narrows_The_Rows_And_Pages_Hold_Twenty_Five()
    {
        await SeedAsync();
        RenderProviders();

        var page = Open("settings/audit");
        page.WaitForAssertion(() => Assert.Equal("33 changes", page.Find("[data-testid=audit-total]").TextContent));
        Assert.Equal(25, page.FindAll("[data-testid=audit-row]").Count);
        Assert.Equal("1–25 of 33", page.Find("[data-testid=audit-pager-info]").TextContent.Trim());

        await page.InvokeAsync(() => page.FindComponents<MudSelect<string>>()[1].Instance.ValueChanged.InvokeAsync(AuditActions.Account));

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=audit-row]").Count));
        Assert.Contains("type=account", Services.GetRequiredService<NavigationManager>().Uri);
        Assert.All(page.FindAll("[data-testid=audit-action-cell]"), c => Assert.Equal(AuditActions.AccountDeleted, c.TextContent.Trim()));
        Assert.Equal("settings/audit/export.csv?type=account", page.Find("[data-testid=audit-export]").GetAttribute("href"));
        Assert.Empty(page.FindAll("[data-testid=audit-pager]"));

        // Before and after open in a row of their own, the token as a word.
        await ClickAsync(page, "audit-toggle");
        var before = page.Find("[data-testid=audit-before]").TextContent;
        Assert.Contains("\"accessToken\": \"set\"", before);
        Assert.Equal("—", page.Find("[data-testid=audit-after]").TextContent);
    }

    [Fact]
    public async Task The_Second_Page_Shows_The_Oldest_Entries()
    {
        await SeedAsync();
        RenderProviders();

        var page = Open("settings/audit?type=trigger&page=2");

        page.WaitForAssertion(() => Assert.Equal(5, page.FindAll("[data-testid=audit-row]").Count));
        Assert.Equal(["#5 Trigger 5", "#4 Trigger 4", "#3 Trigger 3", "#2 Trigger 2", "#1 Trigger 1"],
            page.FindAll("[data-testid=audit-entity]").Select(c => c.TextContent.Replace("Trigger #", "#").Trim()));
    }

    [Fact]
    public async Task Csv_Export_Needs_A_Signed_In_User_And_Holds_The_Filtered_Entries_Formula_Safe()
    {
        await SeedAsync();
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _app.BaseAddress };
        using var refused = await anonymous.GetAsync(AuditExport.Path);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        // The API key is not a dashboard sign-in.
        using var keyHolder = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _app.BaseAddress };
        keyHolder.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestApp.ApiKey);
        using var withKey = await keyHolder.GetAsync(AuditExport.Path);
        Assert.Equal(HttpStatusCode.Redirect, withKey.StatusCode);

        using var session = await DashboardBrowser.SignedInAsync(_app);
        var browser = session.Http;
        using var response = await browser.GetAsync(AuditExport.Path + "?type=account");

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode} {response.Headers.Location}");
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(AuditExport.Header, lines[0]);
        Assert.Equal(3, lines.Length - 1);
        Assert.All(lines[1..], l => Assert.Contains(",api key,,api,account.deleted,account,", l));
        Assert.Contains(",\"'=HYPERLINK(\"\"x\"\")\",", lines[3]);
        Assert.DoesNotContain("dp1:", string.Join("\n", lines));

        using var badDay = await browser.GetAsync(AuditExport.Path + "?from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, badDay.StatusCode);
        Assert.Contains("\"from\"", await badDay.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Removing_A_Token_On_The_Accounts_Page_Records_The_Signed_In_Users_Email()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("bea@studio.test");
        auth.SetClaims(new Claim(ClaimTypes.Name, "bea@studio.test"), new Claim(ClaimTypes.NameIdentifier, "42"));
        var saved = await _app.Services.GetRequiredService<BusinessAccounts>()
            .SaveAsync(AuditActor.System, null, "instagram", "acme.shop", "17841400000000002", "EAAG-page-token");
        RenderProviders();

        var page = Render<AccountsPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=edit-account]"));
        await ClickAsync(page, "edit-account");
        await ClickAsync(page, "remove-token");

        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var entry = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Id).FirstAsync();
        Assert.Equal((AuditActions.AccountTokenRemoved, AuditActor.UserKind, "bea@studio.test", "42", saved.Account!.Id.ToString()),
            (entry.Action, entry.ActorKind, entry.Actor, entry.ActorId, entry.EntityId));
    }
}
