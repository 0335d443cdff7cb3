using AngleSharp.Dom;
using Bunit;
using ReferralStudio.Components.Triggers;
using ReferralStudio.Triggers;
using ReferralStudio.Triggers.Matching;

namespace ReferralStudio.Tests.Components.Triggers;

/// <summary>The trigger editor in bunit: when errors show, what they say, the links a clash gives, the bounds, and the ref tester.</summary>
public sealed class TriggerEditorTests : MudTestContext
{
    private static readonly DateTimeOffset Older = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private readonly List<TriggerRequest> _saved = [];

    private IRenderedComponent<TriggerEditor> RenderEditor(TriggerFormModel? model = null, params TriggerDefinition[] others) =>
        Render<TriggerEditor>(p => p
            .Add(e => e.Model, model ?? new TriggerFormModel())
            .Add(e => e.Others, others)
            .Add(e => e.OnSave, (TriggerRequest request) => _saved.Add(request)));

    private static IElement Input(IRenderedComponent<TriggerEditor> editor, string testId) =>
        editor.Find($"[data-testid='{testId}'] input, [data-testid='{testId}'] textarea, input[data-testid='{testId}'], textarea[data-testid='{testId}']");

    private static void Type(IRenderedComponent<TriggerEditor> editor, string testId, string text) => Input(editor, testId).Input(text);

    /// <summary>The error shown with a field (MudBlazor's helper line in error state), or null.</summary>
    private static string? ErrorOf(IRenderedComponent<TriggerEditor> editor, string testId)
    {
        var field = Input(editor, testId).Closest(".mud-input-control")!;
        return field.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim();
    }

    private static string[] Errors(IRenderedComponent<TriggerEditor> editor) =>
        editor.FindAll(".mud-input-helper-text.mud-input-error").Select(e => e.TextContent.Trim()).ToArray();

    [Fact]
    public void A_New_Empty_Form_Shows_No_Error_Before_Anything_Is_Touched()
    {
        var editor = RenderEditor();

        Assert.Empty(Errors(editor));
        Assert.Equal("INPUT", editor.Find("[data-testid='name']").TagName);
        Assert.DoesNotContain("Give the trigger a name", editor.Markup);
        Assert.DoesNotContain("Enter a code", editor.Markup);
    }

    [Fact]
    public void Touching_One_Field_Shows_Only_Its_Error()
    {
        var editor = RenderEditor();

        Type(editor, "pattern", "summer sale");

        Assert.Equal("Spaces aren't allowed in codes. Use letters A–Z, digits and _ - =, and * as a wildcard. Try summer_sale.", ErrorOf(editor, "pattern"));
        Assert.Null(ErrorOf(editor, "name"));
        Assert.DoesNotContain("U+0020", editor.Markup);
        Assert.DoesNotContain("position", editor.Markup);
    }

    [Fact]
    public void Leaving_An_Empty_Field_Counts_As_Touching_It()
    {
        var editor = RenderEditor();

        Input(editor, "name").Blur();

        Assert.Equal("Give the trigger a name, such as Summer sale.", ErrorOf(editor, "name"));
    }

    [Fact]
    public void Save_With_Errors_Shows_Every_Reason_And_Saves_Nothing()
    {
        var editor = RenderEditor();

        editor.Find("[data-testid='save']").Click();

        Assert.Empty(_saved);
        Assert.Equal("Give the trigger a name, such as Summer sale.", ErrorOf(editor, "name"));
        Assert.Equal("Enter a code such as summer_sale, or a pattern such as collab_*.", ErrorOf(editor, "pattern"));
        Assert.Contains("fix the 2 fields marked in red", editor.Find("[data-testid='fix-errors']").TextContent);
    }

    [Fact]
    public void Double_Star_Is_Explained_Once_The_Pattern_Is_Touched()
    {
        var editor = RenderEditor(new TriggerFormModel { Name = "Bad", Pattern = "collab_**" });
        Assert.Null(ErrorOf(editor, "pattern"));

        Input(editor, "pattern").Blur();

        Assert.Equal("Use a single *: one * already matches any run of characters. Try collab_*.", ErrorOf(editor, "pattern"));
        editor.Find("[data-testid='save']").Click();
        Assert.Empty(_saved);
    }

    [Fact]
    public void A_Duplicate_Names_The_Other_Trigger_And_Links_To_Its_Edit_Page()
    {
        var editor = RenderEditor(new TriggerFormModel { Name = "Copy" }, new TriggerDefinition(7, "Summer launch", "summer_sale", [], [], 0, Older));

        Type(editor, "pattern", "SUMMER_SALE");

        Assert.Equal("“Summer launch” already uses this code on instagram, messenger or whatsapp.", ErrorOf(editor, "pattern"));
        var link = editor.Find("[data-testid='clash-link']");
        Assert.Equal("triggers/7", link.GetAttribute("href"));
        Assert.Contains("Summer launch", link.TextContent);
        Assert.DoesNotContain("(#", editor.Markup);
    }

    [Fact]
    public void An_Overlap_Warning_Links_The_Trigger_It_Names()
    {
        var editor = RenderEditor(new TriggerFormModel { Name = "VIP" }, new TriggerDefinition(3, "Collabs", "collab_*", [], [], 0, Older));

        Type(editor, "pattern", "collab_vip");

        var warnings = editor.Find("[data-testid='warnings']");
        Assert.Contains("“Collabs” also matches collab_vip", warnings.TextContent);
        Assert.Contains("this trigger wins (exact code beats patterns)", warnings.TextContent);
        Assert.Equal("triggers/3", warnings.QuerySelector("[data-testid='clash-link']")!.GetAttribute("href"));
        Assert.DoesNotContain("(#0)", editor.Markup);
    }

    [Fact]
    public void The_Priority_Range_Is_Stated_Before_Anything_Is_Typed()
    {
        var editor = RenderEditor();

        var helper = Input(editor, "priority").Closest(".mud-input-control")!.QuerySelector(".mud-input-helper-text")!;
        Assert.Contains("A whole number from -1000 to 1000", helper.TextContent);
    }

    [Theory]
    [InlineData("99999999999")]
    [InlineData("-3.5")]
    [InlineData("1001")]
    public void Priority_Outside_The_Range_Or_Not_Whole_Is_Refused(string priority)
    {
        var editor = RenderEditor(new TriggerFormModel { Name = "Summer", Pattern = "summer_sale" });

        Type(editor, "priority", priority);
        editor.Find("[data-testid='save']").Click();

        Assert.Equal("Priority must be a whole number from -1000 to 1000.", ErrorOf(editor, "priority"));
        Assert.Empty(_saved);
    }

    [Fact]
    public void Ad_Ids_Must_Be_Digits_And_The_Error_Names_Each_Bad_One()
    {
        var editor = RenderEditor(new TriggerFormModel { Name = "Ads", Pattern = "ads" });

        Type(editor, "adids", "abc, 12 34");

        Assert.Equal("“abc” and “12 34” aren't ad ids: ad ids are digits only (up to 64), such as 120200000001.", ErrorOf(editor, "adids"));
    }

    [Fact]
    public void A_Valid_Draft_Shows_No_Error_And_Saves_What_Was_Typed()
    {
        var editor = RenderEditor(new TriggerFormModel { Name = "Collabs", Pattern = "collab_*", Tags = "affiliate:{1}" });

        Type(editor, "priority", "-12");
        Type(editor, "adids", "120200000001, 120200000002");
        editor.Find("[data-testid='save']").Click();

        Assert.Empty(Errors(editor));
        var request = Assert.Single(_saved);
        Assert.Equal(("Collabs", "collab_*", -12), (request.Name, request.Pattern, request.Priority));
        Assert.Equal(["120200000001", "120200000002"], request.AdIds);
        Assert.Equal(["affiliate:{1}"], request.Actions!.Tags);
    }

    [Fact]
    public void Tester_Says_Which_Trigger_Fires_And_Why_Including_The_Draft()
    {
        var editor = RenderEditor(new TriggerFormModel { Name = "Alice", Pattern = "collab_alice_*" }, new TriggerDefinition(1, "All collabs", "collab_*", [], [], 0, Older));

        Type(editor, "tester-ref", "COLLAB_alice_summer");

        var result = editor.Find("[data-testid='tester-result']").TextContent;
        Assert.Contains("Fires: Alice (this trigger)", result);
        Assert.Contains("Also matches: All collabs", result);
        Assert.Contains("* matched: summer", result);
        Assert.Contains("pattern with 13 literal characters beats 7", result);
        Assert.DoesNotContain("(#", result);
    }

    [Fact]
    public void Tester_Explains_A_Ref_That_Is_Never_Attributed()
    {
        var editor = RenderEditor(new TriggerFormModel { Name = "Alice", Pattern = "collab_alice_*" });

        Type(editor, "tester-ref", "<script>");

        var result = editor.Find("[data-testid='tester-result']").TextContent;
        Assert.Contains("“<” isn't allowed in refs.", result);
        Assert.Contains("never attributed", result);
        Assert.DoesNotContain("Fires:", result);
    }

    [Fact]
    public void Tester_Leaves_Out_A_Draft_With_Errors_And_Says_So()
    {
        var editor = RenderEditor(new TriggerFormModel { Name = "", Pattern = "collab_*" });

        Type(editor, "tester-ref", "collab_bob");

        var result = editor.Find("[data-testid='tester-result']").TextContent;
        Assert.Contains("left out until its fields are valid", result);
        Assert.DoesNotContain("Fires:", result);
    }
}
