using ReferralStudio.Components.Insight;
using ReferralStudio.Conversions;
using ReferralStudio.Insight;

namespace ReferralStudio.Tests.Components;

/// <summary>How the insight pages write numbers, ranges and campaign rows (pure functions).</summary>
public sealed class InsightFormatTests
{
    [Theory]
    [InlineData(1234.5, "EUR", "€1,234.50")]
    [InlineData(1234567.891, "USD", "$1,234,567.89")]
    [InlineData(1234.5, "JPY", "¥1,235")]
    [InlineData(12.3456, "KWD", "12.346\u00a0KWD")]
    [InlineData(99, "CHF", "99.00\u00a0CHF")]
    [InlineData(-5, "GBP", "-£5.00")]
    [InlineData(4766.1, null, "4,766.10")]
    public void Money_Is_Written_In_Its_Currency(double amount, string? currency, string text) =>
        Assert.Equal(text, Numbers.Money(amount, currency));

    [Theory]
    [InlineData(0.114, "11.4\u00a0%")]
    [InlineData(0, "0.0\u00a0%")]
    [InlineData(1, "100.0\u00a0%")]
    public void Rates_Have_One_Decimal_And_A_Space_That_Does_Not_Break(double rate, string text) =>
        Assert.Equal(text, Numbers.Percent(rate));

    [Fact]
    public void Counts_Have_Thousands_Separators() => Assert.Equal("1,234,567", Numbers.Count(1_234_567));

    private static readonly DayRange Fallback = DayRange.Last(30, new DateOnly(2026, 12, 6));

    [Fact]
    public void A_Range_Is_Read_From_The_Address_And_Written_Back()
    {
        var reading = DayRange.Read("2026-11-01", "2026-11-30", Fallback);

        Assert.True(reading.Valid);
        Assert.Equal(new DayRange(new(2026, 11, 1), new(2026, 11, 30)), reading.Range);
        Assert.Equal("from=2026-11-01&until=2026-11-30", reading.Range.ToQueryString());
        var berlin = new BusinessDay(TimeProvider.System, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        Assert.Equal((DateTimeOffset.Parse("2026-10-31T23:00:00Z"), DateTimeOffset.Parse("2026-11-30T23:00:00Z")), reading.Range.Span(berlin));
        Assert.Equal("since=2026-10-31T23%3A00%3A00.0000000%2B00%3A00&until=2026-11-30T23%3A00%3A00.0000000%2B00%3A00", reading.Range.ToFeedQueryString(berlin));
        Assert.Equal(new DateOnly(2026, 11, 7), DayRange.Read(null, null, Fallback).Range.From);
    }

    [Fact]
    public void A_From_After_Until_Is_Refused_On_The_From_Field()
    {
        var reading = DayRange.Read("2026-12-05", "2026-12-01", Fallback);

        Assert.False(reading.Valid);
        Assert.Equal(Fallback, reading.Range);
        Assert.Equal(new DateOnly(2026, 12, 5), reading.From);
        Assert.Equal("From is after Until (1 Dec 2026). Pick a day on or before it.", reading.FromError);
        Assert.Null(reading.UntilError);
    }

    [Fact]
    public void Text_That_Is_Not_A_Date_Is_Refused_On_Its_Field()
    {
        var reading = DayRange.Read("2026-11-01", "not a date", Fallback);

        Assert.False(reading.Valid);
        Assert.Null(reading.FromError);
        Assert.Equal("\"not a date\" is not a date. Use the calendar, or type it as yyyy-MM-dd.", reading.UntilError);
    }

    private static CampaignRowDto Row(
        long? trigger, string? name, string? code, string? ad, int conversations, int converted, int conversions, double value, long scans = 0, int? touches = null) =>
        new(trigger, name, code, ad, conversations, converted, conversions, value, conversations == 0 ? 0 : (double)converted / conversations,
            scans, touches, scans == 0 ? null : (double)conversations / scans);

    [Fact]
    public void Each_Code_And_Ad_Is_One_Line_With_Its_Triggers()
    {
        var lines = CampaignRows.ByCode(
        [
            Row(1, "Summer", "summer_sale", null, 30, 3, 4, 100, scans: 100, touches: 45),
            Row(2, "Summer v2", "Summer_Sale", null, 10, 2, 2, 50.5, scans: 60, touches: 12),
            Row(1, "Summer", "summer_sale", "120211234567890123", 20, 1, 1, 10),
            Row(null, null, null, "120299999999999999", 5, 0, 0, 0),
        ]);

        Assert.Equal(3, lines.Count);
        var code = lines[0];
        Assert.Equal(("summer_sale", (string?)null), (code.Code, code.AdId));
        Assert.Equal(["Summer", "Summer v2"], code.Triggers.Select(t => t.Name));
        Assert.Equal((40, 5, 6, 150.5), (code.Numbers.Conversations, code.Numbers.ConvertedConversations, code.Numbers.Conversions, code.Numbers.ConversionValue));
        Assert.Equal(5 / 40.0, code.Numbers.ConversionRate, 6);
        // The funnel's steps add up too, and the rate per scan is worked out from the sums: 40 of 160 scans.
        Assert.Equal((160L, 57), (code.Numbers.Scans, code.Numbers.Touches));
        Assert.Equal(0.25, code.Numbers.ConversationsPerScan);
        Assert.Equal(("summer_sale", "120211234567890123"), (lines[1].Code, lines[1].AdId));
        Assert.Equal(((string?)null, "120299999999999999"), (lines[2].Code, lines[2].AdId));
    }

    [Fact]
    public void Lines_With_Equal_Numbers_Are_Listed_By_Code_Then_Ad_Whatever_Order_The_Report_Gave()
    {
        CampaignRowDto[] rows =
        [
            Row(1, "B", "beta", null, 2, 0, 0, 0),
            Row(1, "A", "alpha", "2", 2, 0, 0, 0),
            Row(1, "A", "alpha", null, 3, 0, 0, 0),
            Row(2, "A2", "ALPHA", "2", 1, 0, 0, 0),
            Row(1, "Top", "zeta", null, 9, 0, 0, 0),
        ];

        var forwards = CampaignRows.ByCode(rows);
        var backwards = CampaignRows.ByCode([.. rows.Reverse()]);

        // "ALPHA" joins "alpha" with ad 2, which then ties with "alpha" without an ad.
        Assert.Equal([("zeta", null), ("alpha", null), ("alpha", "2"), ("beta", null)], forwards.Select(l => (l.Code, l.AdId)));
        Assert.Equal(forwards.Select(l => (l.Code, l.AdId)), backwards.Select(l => (l.Code, l.AdId)));
        Assert.Equal(3, forwards[2].Numbers.Conversations);
        Assert.Equal(["A", "A2"], forwards[2].Triggers.Select(t => t.Name));
    }
}
