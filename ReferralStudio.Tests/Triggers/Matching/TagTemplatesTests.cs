using ReferralStudio.Triggers.Matching;

namespace ReferralStudio.Tests.Triggers.Matching;

public class TagTemplatesTests
{
    [Theory]
    [InlineData("campaign:summer", "campaign:summer")]
    [InlineData("affiliate:{1}", "affiliate:Alice")]
    [InlineData("{1}-{2}", "Alice-spring")]
    [InlineData("ref:{ref}", "ref:collab_Alice_spring")]
    public void Placeholders_Are_Replaced_By_Captures_And_The_Ref(string template, string expected)
    {
        Assert.Equal(expected, TagTemplates.Render(template, "collab_Alice_spring", ["Alice", "spring"]));
    }

    [Fact]
    public void Rendered_Label_Keeps_Case_But_Is_Trimmed()
    {
        Assert.Equal("Campaign: SUMMER", TagTemplates.Render("  Campaign: {1} ", "x_SUMMER", ["SUMMER"]));
    }

    [Fact]
    public void Placeholder_Without_A_Capture_Renders_As_Nothing()
    {
        Assert.Equal("affiliate:", TagTemplates.Render("affiliate:{2}", "vip", ["a"]));
    }

    [Fact]
    public void Malformed_Braces_Are_Kept_As_Text()
    {
        Assert.Equal("a{b} {c {0} vip", TagTemplates.Render("a{b} {c {0} {ref}", "vip", []));
    }

    [Theory]
    [InlineData("campaign:summer")]
    [InlineData("affiliate:{1}")]
    [InlineData("{ref}")]
    [InlineData("{12}")]
    public void Well_Formed_Templates_Are_Valid(string template)
    {
        Assert.Null(TagTemplates.Validate(template));
    }

    [Theory]
    [InlineData(null, "Enter a tag, such as campaign:summer.")]
    [InlineData("   ", "Enter a tag, such as campaign:summer.")]
    [InlineData("a{1", "“{” has no “}” after it: use {ref} for the whole ref, or {1}, {2}, … for what each * matched.")]
    [InlineData("a{ {1}", "“{” has no “}” after it: use {ref} for the whole ref, or {1}, {2}, … for what each * matched.")]
    [InlineData("a}", "“}” has no “{” before it: use {ref} for the whole ref, or {1}, {2}, … for what each * matched.")]
    [InlineData("x{}", "“{}” is empty: use {ref} for the whole ref, or {1}, {2}, … for what each * matched.")]
    [InlineData("x:{0}", "“{0}” matches nothing: the first * is {1}.")]
    [InlineData("x:{name}", "“{name}” isn't a placeholder: use {ref} for the whole ref, or {1}, {2}, … for what each * matched.")]
    [InlineData("x:{REF}", "“{REF}” isn't a placeholder: use {ref} for the whole ref, or {1}, {2}, … for what each * matched.")]
    public void Malformed_Templates_Say_What_Is_Wrong_Quoting_The_Part_At_Fault(string? template, string expected)
    {
        Assert.Equal(expected, TagTemplates.Validate(template));
    }

    [Fact]
    public void Template_Over_100_Characters_Is_Rejected_With_Its_Length()
    {
        Assert.Null(TagTemplates.Validate(new string('t', 100)));
        Assert.Equal("Tags can be at most 100 characters long; this one has 101.", TagTemplates.Validate(new string('t', 101)));
    }

    [Theory]
    [InlineData("a:{2}", "collab_*_*", null)]
    [InlineData("a:{2}", "collab_*", "“{2}” needs 2 * in the pattern, and it has 1.")]
    [InlineData("a:{1}", "vip", "“{1}” needs a * in the pattern, and it has none: use {ref} for the whole code.")]
    [InlineData("a:{ref}", "vip", null)]
    public void Capture_Placeholders_Must_Have_A_Star_In_The_Pattern(string template, string pattern, string? expected)
    {
        Assert.Equal(expected, TagTemplates.Validate(template, pattern));
    }
}
