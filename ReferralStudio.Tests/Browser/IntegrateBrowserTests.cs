using Microsoft.Playwright;
using ReferralStudio.Outbound.Signing;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Browser;

/// <summary>Outbound webhooks managed from the dashboard, and the integration pages in both themes and on a phone.</summary>
public sealed class IntegrateBrowserTests(BrowserFixture browser) : BrowserTest(browser)
{
    [Fact]
    public async Task Subscription_Journey_Create_Copy_Secret_Once_Disable_Rotate_And_See_A_Signed_Delivery_In_The_Log()
    {
        var receiver = Receiver;
        var page = await Browser.SignedInPageAsync(App);
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await page.OpenAsync("/subscriptions");
        await Assertions.Expect(page.GetByTestId("sub-empty")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("log-empty")).ToContainTextAsync("Nothing sent yet");

        // Create: the secret is shown once, and the copy button puts it on the clipboard.
        await page.GetByLabel("Endpoint URL").FillAsync(receiver.BaseAddress + "hooks/crm");
        await page.GetByTestId("sub-create").ClickAsync();
        var shown = page.GetByTestId("secret-value");
        await Assertions.Expect(shown).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^whsec_"));
        var firstSecret = await shown.TextContentAsync();
        await Assertions.Expect(page.GetByTestId("secret-once")).ToContainTextAsync("You won't see it again");
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy signing secret" }).ClickAsync();
        await page.ExpectClipboardAsync(firstSecret!);
        await page.ScreenshotAsync("subscriptions-secret-light");
        await page.GetByTestId("dismiss-secret").ClickAsync();
        await Assertions.Expect(page.GetByTestId("secret-once")).ToHaveCountAsync(0);
        await page.OpenAsync("/subscriptions");
        await Assertions.Expect(page.GetByTestId("sub-secret-mask")).ToHaveTextAsync(WebhookSecret.Mask(firstSecret));
        Assert.DoesNotContain(firstSecret!, await page.ContentAsync());

        // Disable with the labelled switch: it says who switched it off.
        var sending = page.GetByLabel("Sending", new() { Exact = true });
        await Assertions.Expect(sending).ToBeCheckedAsync();
        await sending.ClickAsync();
        await Assertions.Expect(page.GetByTestId("sub-disabled-reason")).ToContainTextAsync($"switched off in the dashboard by {TestApp.AdminEmail}");
        await Assertions.Expect(sending).Not.ToBeCheckedAsync();

        // Rotate after a confirmation: a new secret, shown once.
        await page.GetByTestId("sub-rotate").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToContainTextAsync("Rotate the signing secret?");
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();
        await Assertions.Expect(shown).Not.ToHaveTextAsync(firstSecret!);
        var rotatedSecret = await shown.TextContentAsync();
        Assert.StartsWith(WebhookSecret.Prefix, rotatedSecret);
        await page.GetByTestId("dismiss-secret").ClickAsync();

        // Back on, then a referral: the log shows the delivery and its attempt, signed with the shown secrets. The switch
        // shows "on" as soon as it is clicked; the confirmation comes once the endpoint is enabled for the processor too.
        await sending.ClickAsync();
        await Assertions.Expect(sending).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByText("Replay what failed while it was off from the log.")).ToBeVisibleAsync();
        await App.DeliverAsync(Instagram(Referral(Unique("igsid"), DateTimeOffset.UtcNow, "crm_sync")));
        var request = await receiver.NextRequestAsync();
        foreach (var secret in new[] { rotatedSecret, firstSecret })
        {
            Assert.True(StandardWebhookSigner.Verify(request.Header("webhook-id"), request.Header("webhook-timestamp"), request.Body,
                request.Header("webhook-signature"), secret, TimeProvider.System), "signed with the secret the page showed");
        }

        var deliveryId = (await App.Api.GetJsonAsync("/api/webhooks/deliveries")).GetProperty("items")[0].GetProperty("id").GetInt64();
        Assert.Equal("delivered", (await App.SettledDeliveryAsync(deliveryId)).Str("status"));
        await page.GetByTestId("log-refresh").ClickAsync();
        var row = page.GetByTestId("outbound-log").Locator("tbody tr").Filter(new() { Has = page.GetByTestId("outbound-status-cell") }).First;
        await Assertions.Expect(row.GetByTestId("outbound-status-cell")).ToHaveTextAsync("delivered");
        await Assertions.Expect(row).ToContainTextAsync("referral.received");
        await Assertions.Expect(row.GetByTestId("outbound-attempts")).ToContainTextAsync("HTTP 200");
        await page.ScreenshotAsync("subscriptions-light");
    }

    [Fact]
    public async Task Integrate_Pages_Fit_Light_Dark_And_A_Phone_With_No_Axe_Violations()
    {
        var receiver = Receiver;
        var (status, _) = await App.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url = receiver.BaseAddress + "hook", events = new[] { "referral.received", "conversation.started" } });
        Assert.Equal(System.Net.HttpStatusCode.Created, status);
        await App.DeliverAsync(Instagram(Referral(Unique("igsid"), DateTimeOffset.UtcNow, "summer_sale")));
        await App.DeliverAsync(WhatsApp(WhatsAppText("4915112345678", DateTimeOffset.UtcNow, "Hi, code SPRING")));
        await App.PostWebhookAsync("""{"object":"instagram","entry":[""");
        await receiver.NextRequestAsync();

        foreach (var (theme, width) in new[] { ("light", 1366), ("dark", 1366), ("light", 390), ("dark", 390) })
        {
            var page = await Browser.SignedInPageAsync(App, theme);
            await page.SetViewportSizeAsync(width, 844);
            foreach (var (path, name, rows) in new[] { ("/deliveries", "deliveries", "[data-testid=inbound-outcome-cell]"), ("/subscriptions", "subscriptions", "[data-testid=outbound-status-cell]"), ("/settings/accounts", "accounts", "[data-testid=accounts-empty]") })
            {
                await page.OpenAsync(path);
                await page.Locator(rows).First.WaitForAsync();
                await Assertions.Expect(page.Locator("h1")).ToHaveCountAsync(1);
                var overflow = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
                Assert.False(overflow, $"{path} scrolls sideways at {width} px");
                Assert.Empty(await Axe.ViolationsAsync(page));
                await page.ScreenshotAsync($"integrate-{name}-{theme}-{width}");
            }

            // The body opens in a dialog over the table, indented.
            await page.OpenAsync("/deliveries");
            await page.GetByTestId("view-body").First.ClickAsync();
            await Assertions.Expect(page.GetByTestId("inbound-body")).ToContainTextAsync("\n  \"object\": ");
            Assert.Empty(await Axe.ViolationsAsync(page));
            await page.ScreenshotAsync($"integrate-deliveries-body-{theme}-{width}");
        }
    }

    [Fact]
    public async Task The_Old_Outbound_Tab_Address_Leads_To_Outbound_Webhooks()
    {
        var page = await Browser.SignedInPageAsync(App);
        await page.GotoAsync("/deliveries?tab=outbound", new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForURLAsync(url => url.EndsWith("/subscriptions", StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Outbound webhooks");
    }
}
