using ReferralStudio.Triggers;

namespace ReferralStudio.Components.Triggers;

/// <summary>The editor's form state: text boxes hold text, turned into a <see cref="TriggerRequest"/> to validate and save.</summary>
public sealed class TriggerFormModel
{
    public string Name { get; set; } = "";
    public string Pattern { get; set; } = "";
    public IEnumerable<string> Platforms { get; set; } = [];
    public string AdIds { get; set; } = "";
    public int Priority { get; set; }
    public bool Enabled { get; set; } = true;
    /// <summary>One tag per line (or comma separated).</summary>
    public string Tags { get; set; } = "";
    public string GreetingText { get; set; } = "";
    public string GreetingMode { get; set; } = GreetingModes.AfterFirstMessage;

    public TriggerRequest ToRequest() => new(
        Name,
        Pattern,
        Platforms.ToList(),
        Split(AdIds),
        Priority,
        Enabled,
        new TriggerActionsDto(Split(Tags), string.IsNullOrWhiteSpace(GreetingText) ? null : new GreetingDto(GreetingText, GreetingMode)));

    public static TriggerFormModel From(Trigger t) => new()
    {
        Name = t.Name,
        Pattern = t.Pattern,
        Platforms = t.Platforms.ToList(),
        AdIds = string.Join(", ", t.AdIds),
        Priority = t.Priority,
        Enabled = t.Enabled,
        Tags = string.Join("\n", t.Tags),
        GreetingText = t.GreetingText ?? "",
        GreetingMode = GreetingModes.Name(t.GreetingMode),
    };

    private static List<string> Split(string text) =>
        text.Split(['\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
