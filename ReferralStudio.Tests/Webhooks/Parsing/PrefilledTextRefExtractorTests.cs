using System.Diagnostics;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Tests.Webhooks.Parsing;

public class PrefilledTextRefExtractorTests
{
    private static readonly PrefilledTextRefExtractor Default = new(PrefilledTextRefExtractor.DefaultPattern);

    [Theory]
    [InlineData("Hi! ref: summer_sale please", "summer_sale")]
    [InlineData("REF=abc", "abc")]
    [InlineData("ref:abc", "abc")]
    [InlineData("Ref: Spring-2026=", "Spring-2026=")]
    [InlineData("Hello, I saw your post\nref: x1", "x1")]
    [InlineData("I want the deal (ref: summer_sale).", "summer_sale")]
    [InlineData("ref: abc, thanks", "abc")]
    [InlineData("Hallo! ref: sommer_2026 \u00e4\u00f6\u00fc", "sommer_2026")]
    public void Default_Pattern_Finds_The_Code_In_Prefilled_Text(string text, string expected)
    {
        Assert.Equal(expected, Default.Extract(text));
    }

    [Fact]
    public void Code_Case_Is_Kept_Verbatim()
    {
        Assert.Equal("SummerSALE", Default.Extract("REF: SummerSALE"));
    }

    [Fact]
    public void First_Code_Wins_When_The_Text_Has_Several()
    {
        Assert.Equal("first", Default.Extract("ref: first and ref: second"));
    }

    [Theory]
    [InlineData("preference: x")]
    [InlineData("my_ref: abc")]
    [InlineData("refs: abc")]
    [InlineData("referral: abc")]
    [InlineData("ref: ")]
    [InlineData("ref abc")]
    [InlineData("just saying hi")]
    [InlineData("ref: caf\u00e9")] // would otherwise be silently shortened to "caf"
    [InlineData("")]
    [InlineData(null)]
    public void Default_Pattern_Finds_Nothing_Without_A_Whole_Word_Ref_Code(string? text)
    {
        Assert.Null(Default.Extract(text));
    }

    [Fact]
    public void Custom_Pattern_Uses_Its_Ref_Group()
    {
        var extractor = new PrefilledTextRefExtractor(@"#(?<ref>[a-z0-9]+)");

        Assert.Equal("Spring1", extractor.Extract("Promo #Spring1 please"));
    }

    [Fact]
    public void Custom_Pattern_Returns_The_Group_Verbatim_Even_When_It_Is_Not_A_Valid_Ref()
    {
        var extractor = new PrefilledTextRefExtractor(@"code (?<ref>\S+)");

        var code = extractor.Extract("code sale!!");

        Assert.Equal("sale!!", code);
        Assert.NotNull(RefValidator.Validate(code!));
    }

    [Fact]
    public void Group_That_Did_Not_Take_Part_In_The_Match_Gives_Null()
    {
        var extractor = new PrefilledTextRefExtractor(@"(?:ref=(?<ref>\w+) )?hello");

        Assert.Null(extractor.Extract("hello"));
        Assert.Equal("x", extractor.Extract("ref=x hello"));
    }

    [Fact]
    public void Pattern_Without_A_Ref_Group_Is_Refused_With_A_Clear_Message()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PrefilledTextRefExtractor(@"ref: (\w+)"));

        Assert.Contains("no group named 'ref'", ex.Message);
        Assert.Equal("pattern", ex.ParamName);
    }

    [Fact]
    public void Pattern_That_Does_Not_Compile_Is_Refused_With_A_Clear_Message()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PrefilledTextRefExtractor(@"(?<ref>abc"));

        Assert.Contains("not a valid regular expression", ex.Message);
        Assert.Equal("pattern", ex.ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_Pattern_Is_Refused(string pattern)
    {
        Assert.Throws<ArgumentException>(() => new PrefilledTextRefExtractor(pattern));
    }

    [Fact]
    public void Catastrophic_Pattern_Times_Out_To_Null_Instead_Of_Hanging()
    {
        // The second branch would eventually match, but only after the first branch backtracks for ages.
        var extractor = new PrefilledTextRefExtractor(@"^(?<ref>(a+)+)c|(?<ref>a+)!");
        var stopwatch = Stopwatch.StartNew();

        var code = extractor.Extract(new string('a', 40) + "!");

        Assert.Null(code);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"took {stopwatch.Elapsed}");
    }
}
