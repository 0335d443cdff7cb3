using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Auth;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Auth;

/// <summary>Every dashboard route and the live hub, opened by every role: each opens what its role allows and nothing else.</summary>
public sealed class RoleAccessTests(RoleAccessTests.Team team) : IClassFixture<RoleAccessTests.Team>
{
    /// <summary>Every route a signed-in person can open, with the least policy it needs (the hub: any role, or an API key).</summary>
    public static readonly TheoryData<string, string> Routes = new()
    {
        { "/", StudioRoles.Policies.Read },
        { "/feed", StudioRoles.Policies.Read },
        { "/feed/export.csv", StudioRoles.Policies.Read },
        { "/conversations/1", StudioRoles.Policies.Read },
        { "/analytics", StudioRoles.Policies.Read },
        { "/live", StudioRoles.Policies.Read },
        { "/triggers", StudioRoles.Policies.Edit },
        { "/triggers/new", StudioRoles.Policies.Edit },
        { "/triggers/1", StudioRoles.Policies.Edit },
        { "/studio", StudioRoles.Policies.Edit },
        { "/studio/qr?platform=instagram&account=acme.shop&ref=summer_sale", StudioRoles.Policies.Edit },
        { "/studio/kits", StudioRoles.Policies.Edit },
        { "/studio/kits/00000000000000000000000000000000.zip", StudioRoles.Policies.Edit },
        { "/studio/button", StudioRoles.Policies.Edit },
        // A trackable link's page and its QR code: scans are read by every role (the page's changes need Edit).
        { "/studio/links/2b3c4d5", StudioRoles.Policies.Read },
        { "/studio/links/2b3c4d5/qr", StudioRoles.Policies.Read },
        { "/simulator", StudioRoles.Policies.Edit },
        { "/deliveries", StudioRoles.Policies.Administer },
        { "/subscriptions", StudioRoles.Policies.Administer },
        { "/settings/accounts", StudioRoles.Policies.Administer },
        { "/settings/audit", StudioRoles.Policies.Administer },
        { "/settings/team", StudioRoles.Policies.Administer },
        { "/settings/api-keys", StudioRoles.Policies.Administer },
        { "/settings/audit/export.csv", StudioRoles.Policies.Administer },
        { "/conversations/1/personal-data.json", StudioRoles.Policies.Administer },
    };

    /// <summary>Routes anyone may open (signing in, the error pages) and machine endpoints with their own checks.</summary>
    private static readonly string[] NotDashboard = ["/account/", "/api", "/openapi", "/webhooks", "/healthz", "/readyz", "/metrics", "/hubs", "/_", "/error", "/not-found", "/bench", "/go/"];

    [Fact]
    public void The_Table_Holds_Every_Dashboard_Route()
    {
        var routes = team.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => !e.Metadata.Any(m => m.GetType().Namespace?.StartsWith("Microsoft.AspNetCore.StaticAssets", StringComparison.Ordinal) == true))
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(r => !NotDashboard.Any(r.StartsWith))
            .Select(Template)
            .Distinct().Order().ToList();
        var table = Routes.Select(row => Template((string)row[0])).Distinct().Order().ToList();

        Assert.Equal(routes, table);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Each_Role_Opens_The_Route_Only_When_Its_Policy_Admits_It(string route, string policy)
    {
        foreach (var role in StudioRoles.All)
        {
            using var response = await team.Browsers[role].Http.GetAsync(route);
            var admitted = StudioRoles.Admitted(policy).Contains(role);
            var where = response.Headers.Location?.AbsolutePath;
            if (admitted)
            {
                Assert.True(response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Forbidden), $"{role} {route}: {response.StatusCode} to {where}");
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.Redirect && where == "/account/denied", $"{role} {route}: {response.StatusCode} to {where}");
            }
        }

        using var anonymous = DashboardBrowser.Open(team.App.BaseAddress);
        using var refused = await anonymous.Http.GetAsync(route);
        Assert.Equal("/account/login", refused.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task Every_Role_Reads_The_Live_Hub_And_Nobody_Else_Does()
    {
        foreach (var role in StudioRoles.All)
        {
            using var negotiated = await team.Browsers[role].Http.PostAsync("/hubs/attribution/negotiate?negotiateVersion=1", null);
            Assert.True(negotiated.StatusCode == HttpStatusCode.OK, $"{role}: {negotiated.StatusCode}");
        }

        using var anonymous = DashboardBrowser.Open(team.App.BaseAddress);
        using var refused = await anonymous.Http.PostAsync("/hubs/attribution/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    /// <summary>A route as its template: ids and file names become placeholders, the query goes.</summary>
    private static string Template(string route)
    {
        var path = route.Split('?')[0];
        return string.Join('/', path.Split('/').Select(s => s.StartsWith('{') || s.Length > 0 && char.IsAsciiDigit(s[0]) || s.EndsWith(".zip", StringComparison.Ordinal) && s.Length > 10 ? "{}" : s))
            .Replace("{}.zip", "{}", StringComparison.Ordinal);
    }

    /// <summary>One app with a signed-in browser per role.</summary>
    public sealed class Team : IAsyncLifetime
    {
        public TestApp App { get; private set; } = null!;

        public Dictionary<string, DashboardBrowser> Browsers { get; } = [];

        public async Task InitializeAsync()
        {
            App = await TestApp.StartAsync(systemClock: true);
            Browsers[StudioRoles.Owner] = await DashboardBrowser.SignedInAsync(App);
            await using var scope = App.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
            foreach (var role in new[] { StudioRoles.Admin, StudioRoles.Marketer, StudioRoles.Viewer })
            {
                var email = $"{role.ToLowerInvariant()}-member@studio.test";
                var user = new StudioUser { UserName = email, Email = email, EmailConfirmed = true };
                var created = await users.CreateAsync(user, "a long enough password");
                Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
                var joined = await users.AddToRoleAsync(user, role);
                Assert.True(joined.Succeeded, string.Join(" ", joined.Errors.Select(e => e.Description)));
                Browsers[role] = await DashboardBrowser.SignedInAsync(App, email, "a long enough password");
            }
        }

        public async Task DisposeAsync()
        {
            foreach (var browser in Browsers.Values)
            {
                browser.Dispose();
            }

            await App.DisposeAsync();
        }
    }
}
