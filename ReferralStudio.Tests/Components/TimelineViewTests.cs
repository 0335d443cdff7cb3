using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ReferralStudio.Auth;
using ReferralStudio.Components.Insight;
using ReferralStudio.Components.Pages.Insight;
using ReferralStudio.Data;
using ReferralStudio.Insight;
using ReferralStudio.Privacy;
using ReferralStudio.Storage.Sqlite;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Components;

/// <summary>The conversation timeline, rendered with bunit: who it is, how they came, the reply window and the way back.</summary>
public sealed class TimelineViewTests : MudTestContext
{
    public TimelineViewTests() => AddAuthorization().SetAuthorized("viewer@studio.test").SetRoles(StudioRoles.Viewer);

    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T10:00:00Z");

    private static ConversationTimeline Timeline(DateTimeOffset? windowExpiresAt)
    {
        TimelineItem first = new(T0, TimelineKind.Referral, "First touch: summer_sale", "standalone · source SHORTLINK", true);
        TimelineItem latest = new(T0.AddHours(5), TimelineKind.Referral, "Latest touch: black_friday", "ad", true);
        return new ConversationTimeline(
            new Conversation { Id = 5, Platform = "whatsapp", AccountId = "page-1", ParticipantId = "4915100000001", ParticipantName = "Léa Martin", CreatedAt = T0, LastActivityAt = T0, WindowExpiresAt = windowExpiresAt },
            [
                first,
                new(T0.AddMinutes(1), TimelineKind.Automation, "Trigger fired: Summer", null),
                new(T0.AddMinutes(2), TimelineKind.Message, "Message: hi", null),
                latest,
                new(T0.AddDays(1), TimelineKind.Conversion, "Conversion: purchase 49.9 EUR", "external id order-1", true),
            ],
            ["campaign:summer"]) { FirstTouch = first, LatestTouch = latest };
    }

    [Fact]
    public void Shows_An_Open_Window_With_Its_Countdown_And_The_Whole_History()
    {
        var view = Render<TimelineView>(p => p.Add(x => x.Timeline, Timeline(T0.AddHours(24))).Add(x => x.Now, T0.AddHours(20).AddMinutes(48)));

        var window = view.Find("[data-testid=window-state]");
        Assert.Equal("true", window.GetAttribute("data-open"));
        Assert.Contains("closes in 3 h 12 min", window.TextContent);
        var items = view.FindAll("[data-testid=timeline-item]");
        Assert.Equal(["Referral", "Automation", "Message", "Referral", "Conversion"], items.Select(i => i.GetAttribute("data-kind")));
        Assert.Contains("campaign:summer", view.Find("[data-testid=timeline-tag]").TextContent);
    }

    [Fact]
    public void Shows_A_Closed_Window()
    {
        var view = Render<TimelineView>(p => p.Add(x => x.Timeline, Timeline(T0.AddHours(24))).Add(x => x.Now, T0.AddDays(3)));

        Assert.Equal("false", view.Find("[data-testid=window-state]").GetAttribute("data-open"));
        Assert.Contains("Reply window closed 2 d 0 h ago", view.Find("[data-testid=window-state]").TextContent);
    }

    [Fact]
    public void Names_The_First_And_Latest_Touch()
    {
        var view = Render<TimelineView>(p => p.Add(x => x.Timeline, Timeline(null)).Add(x => x.Now, T0));

        Assert.StartsWith("summer_sale", view.Find("[data-testid=first-touch]").TextContent.Trim());
        Assert.StartsWith("black_friday", view.Find("[data-testid=latest-touch]").TextContent.Trim());
        Assert.Equal("Léa Martin", view.Find("[data-testid=participant-name]").TextContent);
        Assert.Contains("No reply window yet", view.Find("[data-testid=window-state]").TextContent);
    }

    [Fact]
    public void Says_When_Nothing_Can_Be_Credited_Yet()
    {
        var timeline = Timeline(null) with { Items = [] };
        var view = Render<TimelineView>(p => p.Add(x => x.Timeline, timeline with { FirstTouch = null, LatestTouch = null }).Add(x => x.Now, T0));

        Assert.Empty(view.FindAll("[data-testid=first-touch]"));
        Assert.Contains("No campaign touch yet", view.Find("[data-testid=no-touch]").TextContent);
    }

    [Theory]
    [InlineData("Léa Martin", "lea.m", "4915100000001", "Léa Martin (lea.m) on WhatsApp")]
    [InlineData(null, "lea.m", "4915100000001", "lea.m on WhatsApp")]
    [InlineData(null, null, "4915100000001", "4915100000001 on WhatsApp")]
    public void A_Timeline_Is_Titled_By_Who_And_Where(string? name, string? username, string id, string title) =>
        Assert.Equal(title, Participant.Title(new Conversation { Platform = "whatsapp", ParticipantId = id, ParticipantName = name, ParticipantUsername = username }));

    [Theory]
    [InlineData(null, "feed")]
    [InlineData("", "feed")]
    [InlineData("platform=instagram&q=lea&page=3", "feed?platform=instagram&q=lea&page=3")]
    [InlineData("?ref=summer&evil=1", "feed?ref=summer")]
    [InlineData("//evil.example/x", "feed")]
    public void The_Way_Back_Keeps_The_Feeds_Filters_And_Nothing_Else(string? back, string href) =>
        Assert.Equal(href, FeedAddress.BackHref(back));

    [Fact]
    public async Task The_Page_Is_Titled_By_The_Participant_And_Links_Back_To_The_Filtered_Feed()
    {
        using var database = new TempDatabase();
        var options = database.Options;
        await using (var db = new AppDbContext(options))
        {
            await db.Database.MigrateAsync();
            db.Conversations.Add(new Conversation { Id = 2993, Platform = "instagram", AccountId = "acct", ParticipantId = "igsid-7", ParticipantName = "Sam Doe", CreatedAt = T0, LastActivityAt = T0, WindowExpiresAt = T0.AddHours(24) });
            await db.SaveChangesAsync();
        }

        Services.AddSingleton<IDbContextFactory<AppDbContext>>(new Factory(options));
        var clock = new ManualTimeProvider(T0.AddHours(1));
        Services.AddSingleton<TimeProvider>(clock);
        AddPersonalData(database, clock);
        Services.AddSingleton(new BusinessDay(clock, TimeZoneInfo.Utc));

        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("back", "platform=instagram&page=2"));
        var page = Render<ConversationPage>(p => p.Add(x => x.Id, 2993));

        page.WaitForAssertion(() => Assert.Equal("Sam Doe on Instagram", page.Find("h1").TextContent));
        Assert.Single(page.FindAll("h1"));
        var back = page.Find("[data-testid=back-to-feed]");
        Assert.Equal("feed?platform=instagram&page=2", back.GetAttribute("href"));
        Assert.Contains("same filters", back.TextContent);
        Assert.Equal("true", page.Find("[data-testid=window-state]").GetAttribute("data-open"));
        Assert.Contains("closes in 23 h 00 min", page.Find("[data-testid=window-state]").TextContent);
    }

    [Fact]
    public async Task The_Page_Says_When_There_Is_No_Such_Conversation()
    {
        using var database = new TempDatabase();
        await using (var db = new AppDbContext(database.Options))
        {
            await db.Database.MigrateAsync();
        }

        Services.AddSingleton<IDbContextFactory<AppDbContext>>(new Factory(database.Options));
        Services.AddSingleton<TimeProvider>(new ManualTimeProvider(T0));
        AddPersonalData(database, new ManualTimeProvider(T0));
        Services.AddSingleton(new BusinessDay(new ManualTimeProvider(T0), TimeZoneInfo.Utc));

        var page = Render<ConversationPage>(p => p.Add(x => x.Id, 404));

        page.WaitForAssertion(() => Assert.Equal("Conversation not found", page.Find("h1").TextContent));
        Assert.Equal("feed", page.Find("[data-testid=back-to-feed]").GetAttribute("href"));
    }

    /// <summary>The page's privacy actions need the export and erasure service, over the same file.</summary>
    private void AddPersonalData(TempDatabase database, TimeProvider clock) =>
        Services.AddSingleton(new PersonalData(
            new Factory(database.Options), clock, NullLogger<PersonalData>.Instance, new SqliteFiles(database.ConnectionString, "/")));

    private sealed class Factory(DbContextOptions<AppDbContext> options) : IDbContextFactory<AppDbContext>
    {
        public AppDbContext CreateDbContext() => new(options);
    }
}
