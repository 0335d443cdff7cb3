namespace ReferralStudio.Components.Theme;

/// <summary>The theme the request asked for, cascaded from <c>Routes</c> to the layouts.</summary>
public sealed record ThemeChoice(bool? DarkMode);
