using System.Text;
using System.Text.Json.Nodes;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ReferralStudio.Components.Insight;
using ReferralStudio.Components.Pages.Insight;
using ReferralStudio.Data;
using ReferralStudio.Tests.Infrastructure;
using ReferralStudio.Webhooks;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Components;

/// <summary>The inbound delivery log: filtered by outcome, bodies in a dialog, failed ones replayed. On a running app's services.</summary>
public sealed class InboundDeliveriesTests : MudTestContext, IAsyncLifetime
{
    private TestApp _app = null!;

    async Task IAsyncLifetime.InitializeAsync()
    {
        _app = await TestApp.StartAsync();
        Services.AddSingleton(_app.Services.GetRequiredService<InboundDeliveries>());
        Services.AddSingleton(_app.Services.GetRequiredService<PrerenderHandoff>());
        // The page reads differently while prerendering; here it renders as in a live circuit.
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await _app.DisposeAsync();
    }

    private DateTimeOffset Now => _app.Time.GetUtcNow();

    [Fact]
    public void Json_Is_Indented_And_Anything_Else_Is_Shown_As_Received_With_The_Reason()
    {
        var json = InboundDeliveries.Format(1, Encoding.UTF8.GetBytes("""{"object":"instagram","entry":[{"id":"1","note":"été 🎉"}]}"""));
        Assert.True(json.IsJson);
        Assert.Null(json.Note);
        Assert.Contains("\n  \"object\": \"instagram\",\n  \"entry\": [", json.Text);
        Assert.Contains("été 🎉", json.Text);

        var tricky = """{"a":"line\nbreak \"q\" \\ \u0001","n":[1.50,-2e3,true,null,{}],"e":[]}""";
        var shown = InboundDeliveries.Format(4, Encoding.UTF8.GetBytes(tricky));
        Assert.True(shown.IsJson);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(tricky), JsonNode.Parse(shown.Text)), shown.Text);
        Assert.Contains("1.50", shown.Text);

        var broken = InboundDeliveries.Format(2, Encoding.UTF8.GetBytes("""{"object":"instagram","entry":["""));
        Assert.False(broken.IsJson);
        Assert.Equal("""{"object":"instagram","entry":[""", broken.Text);
        Assert.StartsWith("Not valid JSON", broken.Note);

        var empty = InboundDeliveries.Format(3, []);
        Assert.Equal("", empty.Text);
        Assert.Contains("RetainProcessedBodiesFor", empty.Note);
    }

    [Fact]
    public async Task Outcome_Filter_Shows_Only_That_Outcome_And_A_Body_Opens_Indented_In_A_Dialog()
    {
        await _app.DeliverAsync(Instagram(Referral(Unique("igsid"), Now, "summer_sale")));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await _app.PostWebhookAsync("""{"object":"instagram","entry":[""")).StatusCode);
        await _app.PostWebhookAsync(Envelope("user", Entry("42")));
        await _app.WhenIdleAsync();

        var dialogs = Render<MudDialogProvider>();
        Render<MudPopoverProvider>();
        var page = Render<DeliveriesPage>();
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=inbound-outcome-cell]").Count));
        Assert.Equal("3 deliveries", page.Find("[data-testid=inbound-count]").TextContent);

        await page.InvokeAsync(() => page.FindComponent<MudSelect<string>>().Instance.ValueChanged.InvokeAsync("rejected"));

        page.WaitForAssertion(() => Assert.Equal(["rejected"], page.FindAll("[data-testid=inbound-outcome-cell]").Select(c => c.TextContent.Trim())));
        Assert.EndsWith("?outcome=rejected", Services.GetRequiredService<NavigationManager>().Uri);

        await page.InvokeAsync(() => page.FindComponent<MudSelect<string>>().Instance.ValueChanged.InvokeAsync("failed"));
        page.WaitForAssertion(() => Assert.Contains("No failed deliveries.", page.Find("[data-testid=inbound-empty]").TextContent));

        await page.InvokeAsync(() => page.FindComponent<MudSelect<string>>().Instance.ValueChanged.InvokeAsync("processed"));
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=inbound-outcome-cell]")));
        page.Find("button[data-testid=view-body]").Click();

        dialogs.WaitForAssertion(() => Assert.Contains("\n  \"object\": \"instagram\"", dialogs.Find("[data-testid=inbound-body]").TextContent));
        Assert.Contains("summer_sale", dialogs.Find("[data-testid=inbound-body]").TextContent);
        dialogs.Find("button[data-testid=close-body]").Click();
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("[data-testid=inbound-body]")));
    }

    [Fact]
    public async Task A_Failed_Delivery_Is_Replayed_As_A_New_One_Once_The_Cause_Is_Gone()
    {
        // A real processing failure: the database refuses this one touch (as a full disk or a broken migration would).
        await ExecuteAsync("CREATE TRIGGER refuse_touch BEFORE INSERT ON ReferralTouches WHEN NEW.Ref = 'refused_once' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
        await _app.DeliverAsync(Instagram(Referral(Unique("igsid"), Now, "refused_once")));
        await ExecuteAsync("DROP TRIGGER refuse_touch");

        Render<MudPopoverProvider>();
        var page = Render<DeliveriesPage>();
        page.WaitForAssertion(() => Assert.Equal("failed", page.Find("[data-testid=inbound-outcome-cell]").TextContent.Trim()));
        Assert.Contains("refused by the test", page.Markup);

        // The replay is in the inbox once its handler is done; then the processor takes it.
        await page.Find("button[data-testid=inbound-replay]").ClickAsync(new());
        await _app.WhenIdleAsync();
        var reloaded = Render<DeliveriesPage>();

        reloaded.WaitForAssertion(() => Assert.Equal(["processed", "failed"], reloaded.FindAll("[data-testid=inbound-outcome-cell]").Select(c => c.TextContent.Trim())));
        Assert.Contains("replay of delivery", reloaded.Markup);
        Assert.Contains("1 accepted", reloaded.Markup);
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.ReferralTouches.CountAsync(t => t.Ref == "refused_once"));
    }

    [Fact]
    public async Task Deliveries_Are_Paged_By_The_Server_Newest_First()
    {
        for (var i = 0; i < 26; i++)
        {
            await _app.DeliverAsync(Instagram(Referral(Unique($"igsid-{i}"), Now, $"code_{i}")));
        }

        await _app.WhenIdleAsync();
        Render<MudPopoverProvider>();
        var page = Render<DeliveriesPage>();
        page.WaitForAssertion(() => Assert.Equal(25, page.FindAll("[data-testid=inbound-outcome-cell]").Count));
        Assert.Equal("26 deliveries", page.Find("[data-testid=inbound-count]").TextContent);
        Assert.Equal("1–25 of 26", page.Find("[data-testid=inbound-pager-info]").TextContent.Trim());
        var newest = page.Find("[data-testid=inbound-received]").TextContent;

        await page.InvokeAsync(() => page.FindComponent<MudPagination>().Instance.SelectedChanged.InvokeAsync(2));

        page.WaitForAssertion(() => Assert.Equal("26–26 of 26", page.Find("[data-testid=inbound-pager-info]").TextContent.Trim()));
        Assert.Single(page.FindAll("[data-testid=inbound-outcome-cell]"));
        Assert.True(string.CompareOrdinal(page.Find("[data-testid=inbound-received]").TextContent, newest) <= 0, "the second page holds the oldest delivery");
    }

    [Fact]
    public async Task Only_Failed_Deliveries_Can_Be_Replayed()
    {
        await _app.DeliverAsync(Instagram(Referral(Unique("igsid"), Now, "fine")));
        var replays = _app.Services.GetRequiredService<InboundDeliveries>();
        var (rows, _) = await replays.PageAsync(null, 0, 10);

        var result = await replays.ReplayAsync(rows.Single().Id);

        Assert.Null(result.NewDeliveryId);
        Assert.Contains("processed already", result.Refusal);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        await db.Database.ExecuteSqlRawAsync(sql);
    }
}
