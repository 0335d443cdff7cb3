using System.Text.RegularExpressions;
using ReferralStudio.Components.Live;
using ReferralStudio.Live;

namespace ReferralStudio.Tests.Components;

public sealed class InsightComponentTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-20T10:00:00Z");

    private static AttributionNotice Notice(long id, string? trigger, string @ref, bool simulated = false) =>
        new(id, id, "instagram", "acct", $"p{id}", null, @ref, null, "SHORTLINKS", "standalone", trigger is null ? null : 1, trigger, T0.AddSeconds(id), T0.AddSeconds(id), false, simulated);

    [Fact]
    public async Task Board_Renders_Newest_First_With_Counts_And_The_Cursor_For_Live_Updates()
    {
        var html = await ComponentRenderer.RenderAsync<LiveBoard>(new Dictionary<string, object?>
        {
            [nameof(LiveBoard.Recent)] = new[] { Notice(3, "Summer", "summer_sale"), Notice(9, null, "flyer", simulated: true), Notice(5, "Collabs", "collab_bob") },
            [nameof(LiveBoard.Counts)] = new List<(string, int)> { ("Summer", 12), ("Collabs", 4) },
        });

        Assert.Contains("data-last-id=\"9\"", html);
        var order = Regex.Matches(html, "data-touch-id=\"(\\d+)\"").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(["9", "5", "3"], order);
        Assert.Contains("data-campaign=\"Summer\"", html);
        Assert.Contains("<span data-testid=\"live-total\">16</span>", html);
        Assert.Contains("simulated", html);
        Assert.Contains("flyer", html);
    }
}
