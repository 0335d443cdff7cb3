using MudBlazor;

namespace ReferralStudio.Components.Theme;

/// <summary>
/// The one theme of the dashboard: the brand indigo, Inter (shipped in wwwroot/fonts) and palettes whose text
/// and accents keep WCAG AA contrast on both the light and the dark surfaces.
/// </summary>
public static class StudioTheme
{
    private static readonly string[] FontStack = ["Inter", "system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"];

    public static MudTheme Value { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#4338ca",
            Secondary = "#0e7490",
            Tertiary = "#b45309",
            AppbarBackground = "#312e81",
            AppbarText = "#ffffff",
            Background = "#f7f7fb",
            Surface = "#ffffff",
            DrawerBackground = "#ffffff",
            DrawerText = "#1f2937",
            TextPrimary = "#1f2937",
            TextSecondary = "#4b5563",
            Error = "#b91c1c",
            Warning = "#92400e",
            Success = "#166534",
            Info = "#1d4ed8",
            LinesDefault = "#e5e7eb",
            TableLines = "#e5e7eb",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#a5b4fc",
            PrimaryContrastText = "#111827",
            Secondary = "#67e8f9",
            Tertiary = "#fcd34d",
            AppbarBackground = "#1e1b4b",
            AppbarText = "#f9fafb",
            Background = "#111318",
            Surface = "#1b1e26",
            DrawerBackground = "#1b1e26",
            DrawerText = "#e5e7eb",
            TextPrimary = "#f3f4f6",
            TextSecondary = "#c7cbd4",
            Error = "#fca5a5",
            Warning = "#fcd34d",
            Success = "#86efac",
            Info = "#93c5fd",
            LinesDefault = "#2d323d",
            TableLines = "#2d323d",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = FontStack },
            H1 = new H1Typography { FontFamily = FontStack, FontSize = "1.75rem", FontWeight = "600", LineHeight = "1.3", LetterSpacing = "0" },
            H2 = new H2Typography { FontFamily = FontStack, FontSize = "1.25rem", FontWeight = "600", LineHeight = "1.4", LetterSpacing = "0" },
            H3 = new H3Typography { FontFamily = FontStack, FontSize = "1.1rem", FontWeight = "600", LineHeight = "1.4", LetterSpacing = "0" },
            Button = new ButtonTypography { FontFamily = FontStack, TextTransform = "none", FontWeight = "600" },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "8px", DrawerWidthLeft = "240px" },
    };
}
