using ReferralStudio.Components.Triggers;
using ReferralStudio.Triggers.Matching;

namespace ReferralStudio.Tests.Components;

public sealed class StudioComponentTests
{
    [Fact]
    public async Task Editor_Shows_The_Reason_Next_To_An_Invalid_Pattern_And_Disables_Save()
    {
        var html = await ComponentRenderer.RenderAsync<TriggerEditor>(new Dictionary<string, object?>
        {
            [nameof(TriggerEditor.Model)] = new TriggerFormModel { Name = "Bad", Pattern = "collab_**" },
            [nameof(TriggerEditor.Others)] = Array.Empty<TriggerDefinition>(),
        });

        Assert.Contains("data-testid=\"error-pattern\"", html);
        Assert.Contains("**", html);
        Assert.Matches("<button[^>]*disabled[^>]*data-testid=\"save\"|<button[^>]*data-testid=\"save\"[^>]*disabled", html);
    }

    [Fact]
    public async Task Editor_Names_The_Trigger_A_Duplicate_Would_Clash_With()
    {
        var others = new[] { new TriggerDefinition(7, "Summer launch", "summer_sale", [], [], 0, DateTimeOffset.Parse("2026-01-01Z")) };

        var html = await ComponentRenderer.RenderAsync<TriggerEditor>(new Dictionary<string, object?>
        {
            [nameof(TriggerEditor.Model)] = new TriggerFormModel { Name = "Copy", Pattern = "SUMMER_SALE" },
            [nameof(TriggerEditor.Others)] = others,
        });

        Assert.Contains("data-testid=\"error-pattern\"", html);
        Assert.Contains("Summer launch", html);
    }

    [Fact]
    public async Task Valid_Draft_Renders_Without_Errors()
    {
        var html = await ComponentRenderer.RenderAsync<TriggerEditor>(new Dictionary<string, object?>
        {
            [nameof(TriggerEditor.Model)] = new TriggerFormModel { Name = "Collabs", Pattern = "collab_*", Tags = "affiliate:{1}" },
            [nameof(TriggerEditor.Others)] = Array.Empty<TriggerDefinition>(),
        });

        Assert.DoesNotContain("data-testid=\"error-", html);
    }
}
