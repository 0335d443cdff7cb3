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
    [InlineData(null, "template is required")]
    [InlineData("   ", "template is required")]
    [InlineData("a{1", "'{' at position 2 has no closing '}'; use {ref} or {1}..{n}")]
    [InlineData("a{ {1}", "'{' at position 2 has no closing '}'; use {ref} or {1}..{n}")]
    [InlineData("a}", "'}' at position 2 has no opening '{'")]
    [InlineData("x{}", "'{}' at position 2 is empty; use {ref} or {1}..{n}")]
    [InlineData("x:{0}", "'{0}' at position 3: captures are numbered from {1}")]
    [InlineData("x:{name}", "unknown placeholder '{name}' at position 3; use {ref} or {1}..{n}")]
    [InlineData("x:{REF}", "unknown placeholder '{REF}' at position 3; use {ref} or {1}..{n}")]
    public void Malformed_Templates_Say_What_Is_Wrong_And_Where(string? template, string expected)
    {
        Assert.Equal(expected, TagTemplates.Validate(template));
    }

    [Fact]
    public void Template_Over_100_Characters_Is_Rejected_With_Its_Length()
    {
        Assert.Null(TagTemplates.Validate(new string('t', 100)));
        Assert.Equal("template is 101 characters; the limit is 100", TagTemplates.Validate(new string('t', 101)));
    }

    [Theory]
    [InlineData("a:{2}", "collab_*_*", null)]
    [InlineData("a:{2}", "collab_*", "'{2}' at position 3, but the pattern has only 1 *")]
    [InlineData("a:{1}", "vip", "'{1}' at position 3, but the pattern has no *")]
    [InlineData("a:{ref}", "vip", null)]
    public void Capture_Placeholders_Must_Have_A_Star_In_The_Pattern(string template, string pattern, string? expected)
    {
        Assert.Equal(expected, TagTemplates.Validate(template, pattern));
    }
}
