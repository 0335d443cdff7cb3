using Microsoft.Extensions.Time.Testing;
using ReferralStudio.Insight;

namespace ReferralStudio.Tests.Insight;

/// <summary>
/// "Today" in the business's time zone as UTC instants: zones east and west of UTC and off the hour, the days clocks
/// change (23 and 25 hours, a skipped midnight, a midnight passed twice, a day skipped altogether), and the clock moving on.
/// </summary>
public sealed class BusinessDayTests
{
    private static BusinessDay In(string zone, string now) =>
        new(new FakeTimeProvider(DateTimeOffset.Parse(now)), TimeZoneInfo.FindSystemTimeZoneById(zone));

    private static DateTimeOffset At(string instant) => DateTimeOffset.Parse(instant);

    [Fact]
    public void East_Of_Utc_Today_Starts_The_Evening_Before_In_Utc()
    {
        // 01:30 on 21 November in Tokyo.
        var days = In("Asia/Tokyo", "2026-11-20T16:30:00Z");

        Assert.Equal(new DateOnly(2026, 11, 21), days.Today);
        Assert.Equal(new DayWindow(new DateOnly(2026, 11, 21), At("2026-11-20T15:00:00Z"), At("2026-11-21T15:00:00Z")), days.TodayWindow);
        Assert.True(days.IsToday(At("2026-11-20T15:00:00Z")));
        Assert.False(days.IsToday(At("2026-11-20T14:59:59.999Z")));
        Assert.False(days.IsToday(At("2026-11-21T15:00:00Z")));
        Assert.Equal("Conversations attributed since 00:00 Asia/Tokyo", days.Describe("Conversations attributed"));
    }

    [Fact]
    public void West_Of_Utc_Today_Runs_Into_The_Next_Utc_Day()
    {
        // 22:30 on 20 November in New York, already the 21st in UTC.
        var days = In("America/New_York", "2026-11-21T03:30:00Z");

        Assert.Equal(new DateOnly(2026, 11, 20), days.Today);
        Assert.Equal(At("2026-11-20T05:00:00Z"), days.TodayWindow.Start);
        Assert.Equal(At("2026-11-21T05:00:00Z"), days.TodayWindow.End);
        Assert.True(days.IsToday(At("2026-11-21T04:59:59Z")));
        Assert.Equal(new DateOnly(2026, 11, 21), days.DayOf(At("2026-11-21T05:00:00Z")));
        Assert.Equal(new DateTime(2026, 11, 20, 22, 30, 0), days.ToLocal(days.Now).DateTime);
        Assert.Equal(TimeSpan.FromHours(-5), days.ToLocal(days.Now).Offset);
    }

    [Fact]
    public void A_Zone_A_Quarter_Hour_Off_Starts_Its_Day_On_The_Quarter_Hour()
    {
        var days = In("Asia/Kathmandu", "2026-11-20T12:00:00Z");

        Assert.Equal(At("2026-11-19T18:15:00Z"), days.TodayWindow.Start);
        Assert.Equal(new DateOnly(2026, 11, 19), days.DayOf(At("2026-11-19T18:14:59Z")));
    }

    [Fact]
    public void The_Days_Clocks_Change_Last_23_And_25_Hours()
    {
        var days = In("Europe/Berlin", "2026-06-01T12:00:00Z");

        var spring = days.Window(new DateOnly(2026, 3, 29));
        Assert.Equal(At("2026-03-28T23:00:00Z"), spring.Start);
        Assert.Equal(At("2026-03-29T22:00:00Z"), spring.End);
        Assert.Equal(TimeSpan.FromHours(23), spring.End - spring.Start);

        var autumn = days.Window(new DateOnly(2026, 10, 25));
        Assert.Equal(At("2026-10-24T22:00:00Z"), autumn.Start);
        Assert.Equal(At("2026-10-25T23:00:00Z"), autumn.End);
        // 02:30 happens twice that night; both belong to the 25th.
        Assert.True(autumn.Contains(At("2026-10-25T00:30:00Z")));
        Assert.True(autumn.Contains(At("2026-10-25T01:30:00Z")));
    }

    [Fact]
    public void A_Day_Whose_Midnight_Is_Skipped_Starts_When_The_Clocks_Jump()
    {
        // Chile moves from 00:00 straight to 01:00 on 6 September 2026 (04:00 UTC).
        var days = In("America/Santiago", "2026-09-06T12:00:00Z");

        Assert.Equal(At("2026-09-06T04:00:00Z"), days.TodayWindow.Start);
        Assert.Equal(days.TodayWindow.Start, days.Window(new DateOnly(2026, 9, 5)).End);
        Assert.Equal(TimeSpan.FromHours(23), days.TodayWindow.End - days.TodayWindow.Start);
        Assert.Equal("Campaign touches since 01:00 America/Santiago", days.Describe("Campaign touches"));
    }

    [Fact]
    public void A_Day_Whose_Midnight_Happens_Twice_Starts_At_The_First()
    {
        // Cuba turns 01:00 back to 00:00 on 1 November 2026 (05:00 UTC): midnight is at 04:00 and again at 05:00 UTC.
        var days = In("America/Havana", "2026-11-01T12:00:00Z");

        Assert.Equal(At("2026-11-01T04:00:00Z"), days.TodayWindow.Start);
        Assert.Equal(At("2026-11-02T05:00:00Z"), days.TodayWindow.End);
        Assert.Equal(days.TodayWindow.Start, days.Window(new DateOnly(2026, 10, 31)).End);
    }

    [Fact]
    public void A_Day_The_Zone_Skipped_Is_Empty()
    {
        // Samoa went from 29 to 31 December 2011 at 10:00 UTC on the 30th.
        var days = In("Pacific/Apia", "2011-12-31T12:00:00Z");

        var skipped = days.Window(new DateOnly(2011, 12, 30));
        Assert.Equal(skipped.Start, skipped.End);
        Assert.Equal(At("2011-12-30T10:00:00Z"), skipped.Start);
        Assert.Equal(skipped.End, days.Window(new DateOnly(2011, 12, 31)).Start);
        Assert.Equal(new DateOnly(2011, 12, 29), days.DayOf(At("2011-12-30T09:59:59Z")));
        Assert.Equal(new DateOnly(2011, 12, 31), days.DayOf(At("2011-12-30T10:00:00Z")));
    }

    [Fact]
    public void Today_Moves_On_At_Midnight_In_The_Zone_Not_In_Utc()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-20T22:59:00Z"));
        var days = new BusinessDay(clock, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        var lateEvening = At("2026-11-20T22:30:00Z");
        Assert.Equal(new DateOnly(2026, 11, 20), days.Today);
        Assert.True(days.IsToday(lateEvening));

        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(new DateOnly(2026, 11, 21), days.Today);
        Assert.False(days.IsToday(lateEvening));
        Assert.Equal(At("2026-11-20T23:00:00Z"), days.TodayWindow.Start);
    }

    [Fact]
    public void Windows_Cover_Each_Day_Once_And_None_For_A_Range_That_Ends_Before_It_Starts()
    {
        var days = In("Europe/Berlin", "2026-03-30T10:00:00Z");

        var windows = days.Windows(new DateOnly(2026, 3, 28), new DateOnly(2026, 3, 30)).ToList();

        Assert.Equal([new DateOnly(2026, 3, 28), new DateOnly(2026, 3, 29), new DateOnly(2026, 3, 30)], windows.Select(w => w.Day));
        Assert.Equal(windows[0].End, windows[1].Start);
        Assert.Equal(windows[1].End, windows[2].Start);
        Assert.Empty(days.Windows(new DateOnly(2026, 3, 30), new DateOnly(2026, 3, 29)));
    }
}
