using System.Globalization;
using ReferralStudio.Triggers;
using ReferralStudio.Triggers.Matching;

namespace ReferralStudio.Components.Triggers;

/// <summary>The editor's form state: text boxes hold text, turned into a <see cref="TriggerRequest"/> to validate and save.</summary>
public sealed class TriggerFormModel
{
    public string Name { get; set; } = "";
    public string Pattern { get; set; } = "";
    public IEnumerable<string> Platforms { get; set; } = [];
    /// <summary>Comma or line separated, as typed.</summary>
    public string AdIds { get; set; } = "";
    /// <summary>As typed: "3.5" or "99999999999" must reach the rules to be refused, not become 0.</summary>
    public string Priority { get; set; } = "0";
    public bool Enabled { get; set; } = true;
    /// <summary>One tag per line (or comma separated).</summary>
    public string Tags { get; set; } = "";
    public string GreetingText { get; set; } = "";
    public string GreetingMode { get; set; } = GreetingModes.AfterFirstMessage;

    /// <summary>The priority as a number, 0 while what was typed is not one (<see cref="Check"/> says so).</summary>
    public int PriorityValue => TriggerRules.ParsePriority(Priority, out var value) is null ? value : 0;

    public TriggerRequest ToRequest() => new(
        Name,
        Pattern,
        Platforms.ToList(),
        Split(AdIds),
        PriorityValue,
        Enabled,
        new TriggerActionsDto(Split(Tags), string.IsNullOrWhiteSpace(GreetingText) ? null : new GreetingDto(GreetingText, GreetingMode)));

    /// <summary>The same checks the API runs on save, plus the priority as typed.</summary>
    public TriggerCheck Check(long? id, IEnumerable<TriggerDefinition> enabledOthers, DateTimeOffset? createdAt)
    {
        var check = TriggerService.Check(ToRequest(), id, enabledOthers, createdAt);
        check.Errors.Check("priority", TriggerRules.ParsePriority(Priority, out _));
        return check;
    }

    public static TriggerFormModel From(Trigger t) => new()
    {
        Name = t.Name,
        Pattern = t.Pattern,
        Platforms = t.Platforms.ToList(),
        AdIds = string.Join(", ", t.AdIds),
        Priority = t.Priority.ToString(CultureInfo.InvariantCulture),
        Enabled = t.Enabled,
        Tags = string.Join("\n", t.Tags),
        GreetingText = t.GreetingText ?? "",
        GreetingMode = GreetingModes.Name(t.GreetingMode),
    };

    private static List<string> Split(string text) =>
        text.Split(['\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
