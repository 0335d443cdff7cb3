using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Tests.Webhooks.Parsing;

public class RefValidatorTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("summer_sale")]
    [InlineData("Spring-2026=")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-=")]
    [InlineData("dGVzdA==")]
    public void Refs_From_The_Documented_Alphabet_Are_Valid(string value)
    {
        Assert.Null(RefValidator.Validate(value));
    }

    [Fact]
    public void Ref_Of_Exactly_The_Limit_Is_Valid()
    {
        Assert.Null(RefValidator.Validate(new string('x', RefValidator.MaxLength)));
    }

    [Fact]
    public void Empty_Ref_Is_Rejected()
    {
        Assert.Equal("ref is empty", RefValidator.Validate(""));
    }

    [Fact]
    public void Ref_One_Over_The_Limit_Says_Its_Length_And_The_Limit()
    {
        Assert.Equal("ref is 2084 characters; the limit is 2083", RefValidator.Validate(new string('x', 2084)));
    }

    [Fact]
    public void Disallowed_Character_Is_Named_With_Its_One_Based_Position()
    {
        Assert.Equal("ref contains '!' at position 7; allowed: A-Z a-z 0-9 _ - =", RefValidator.Validate("summer!"));
    }

    [Fact]
    public void First_Disallowed_Character_Is_The_One_Reported()
    {
        Assert.Equal("ref contains '.' at position 2; allowed: A-Z a-z 0-9 _ - =", RefValidator.Validate("a.b!c"));
    }

    [Theory]
    [InlineData("summer sale", "U+0020 at position 7")]
    [InlineData("tab\there", "U+0009 at position 4")]
    [InlineData("x\u00a0y", "U+00A0 at position 2")]
    public void Invisible_Characters_Are_Named_By_Code_Point(string value, string expected)
    {
        Assert.Contains(expected, RefValidator.Validate(value));
    }

    [Fact]
    public void Emoji_Is_Reported_As_One_Character_With_Its_Code_Point()
    {
        Assert.Equal("ref contains '😀' (U+1F600) at position 3; allowed: A-Z a-z 0-9 _ - =", RefValidator.Validate("ab😀"));
    }

    [Theory]
    [InlineData("caf\u00e9")] // é is a letter to char.IsLetter, not to Meta
    [InlineData("\u0430bc")] // Cyrillic а that looks like a Latin a
    [InlineData("\uff11\uff12")] // full-width digits
    [InlineData("summer%20sale")] // still URL-encoded
    [InlineData("a+b")]
    [InlineData("a/b")]
    public void Look_Alike_And_Url_Characters_Are_Rejected(string value)
    {
        Assert.NotNull(RefValidator.Validate(value));
    }

    [Fact]
    public void Length_Is_Checked_Before_Characters()
    {
        Assert.Equal("ref is 3000 characters; the limit is 2083", RefValidator.Validate(new string('!', 3000)));
    }

    [Theory]
    [InlineData('a', true)]
    [InlineData('z', true)]
    [InlineData('A', true)]
    [InlineData('Z', true)]
    [InlineData('0', true)]
    [InlineData('9', true)]
    [InlineData('_', true)]
    [InlineData('-', true)]
    [InlineData('=', true)]
    [InlineData(' ', false)]
    [InlineData('.', false)]
    [InlineData('@', false)] // just below 'A'
    [InlineData('[', false)] // just above 'Z'
    [InlineData('`', false)] // just below 'a'
    [InlineData('{', false)] // just above 'z'
    [InlineData('/', false)] // just below '0'
    [InlineData(':', false)] // just above '9'
    [InlineData('\u00e4', false)]
    public void IsRefChar_Accepts_Exactly_The_Documented_Alphabet(char c, bool expected)
    {
        Assert.Equal(expected, RefValidator.IsRefChar(c));
    }
}
