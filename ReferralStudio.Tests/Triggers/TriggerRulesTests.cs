using ReferralStudio.Triggers;

namespace ReferralStudio.Tests.Triggers;

public sealed class TriggerRulesTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("", 0)]
    [InlineData(" 25 ", 25)]
    [InlineData("-1000", -1000)]
    [InlineData("1000", 1000)]
    public void Priority_Accepts_Whole_Numbers_In_Range(string text, int expected)
    {
        Assert.Null(TriggerRules.ParsePriority(text, out var priority));
        Assert.Equal(expected, priority);
    }

    [Theory]
    [InlineData("99999999999")]
    [InlineData("-3.5")]
    [InlineData("1001")]
    [InlineData("-1001")]
    [InlineData("1e3")]
    [InlineData("ten")]
    public void Priority_Refuses_Anything_Else_With_The_Range(string text)
    {
        Assert.Equal("Priority must be a whole number from -1000 to 1000.", TriggerRules.ParsePriority(text, out _));
    }

    [Fact]
    public void The_Priority_Hint_States_The_Range()
    {
        Assert.Contains("from -1000 to 1000", TriggerRules.PriorityHint);
    }

    [Fact]
    public void Ad_Ids_Name_Every_Bad_Entry()
    {
        Assert.Equal("“abc” and “12 34” aren't ad ids: ad ids are digits only (up to 64), such as 120200000001.",
            TriggerRules.AdIds(["120200000001", "abc", "12 34"]));
        Assert.Equal("“x1” isn't an ad id: ad ids are digits only (up to 64), such as 120200000001.", TriggerRules.AdIds(["x1"]));
        Assert.Null(TriggerRules.AdIds(["120200000001", " 42 "]));
    }
}
