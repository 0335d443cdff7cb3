using System.Globalization;
using ReferralStudio.Outbound.Retry;

namespace ReferralStudio.Tests.Outbound.Retry;

/// <summary>The promise to integrators: a receiver that is down for a day still gets every event, without being hammered.</summary>
public sealed class RetryScheduleTests
{
    private const double NoJitter = 0.5;
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-21T10:00:00Z", CultureInfo.InvariantCulture);

    [Fact]
    public void Default_Policy_Starts_At_30_Seconds_Caps_At_6_Hours_With_20_Percent_Jitter()
    {
        var policy = new RetryPolicy();

        Assert.Equal(TimeSpan.FromSeconds(30), policy.BaseDelay);
        Assert.Equal(TimeSpan.FromHours(6), policy.MaxDelay);
        Assert.Equal(0.2, policy.JitterFraction);
        Assert.Equal(15, policy.MaxAttempts);
    }

    [Fact]
    public void Default_Schedule_Keeps_Retrying_For_At_Least_24_Hours_Even_When_Every_Wait_Comes_Out_Shortest()
    {
        var policy = new RetryPolicy();

        var shortest = Span(policy, random01: 0);
        var typical = Span(policy, random01: NoJitter);
        var longest = Span(policy, random01: 1);

        Assert.True(shortest >= TimeSpan.FromHours(24), $"shortest span {shortest}");
        Assert.Equal(TimeSpan.FromSeconds(30 * 1023) + TimeSpan.FromHours(4 * 6), typical);
        Assert.True(longest <= TimeSpan.FromHours(40), $"longest span {longest}");
        Assert.Null(RetrySchedule.NextDelay(policy, policy.MaxAttempts, null, NoJitter));
    }

    [Fact]
    public void Default_MaxAttempts_Is_The_Fewest_That_Cover_24_Hours()
    {
        var policy = new RetryPolicy();
        var oneFewer = new RetryPolicy { MaxAttempts = policy.MaxAttempts - 1 };

        Assert.True(Span(oneFewer, random01: 0) < TimeSpan.FromHours(24));
    }

    [Fact]
    public void Each_Failure_Doubles_The_Wait_Until_The_Cap()
    {
        var policy = new RetryPolicy();

        var delays = Enumerable.Range(1, 12).Select(n => RetrySchedule.NextDelay(policy, n, null, NoJitter)).ToArray();

        Assert.Equal(
            [
                TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4),
                TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(16), TimeSpan.FromMinutes(32), TimeSpan.FromMinutes(64),
                TimeSpan.FromMinutes(128), TimeSpan.FromMinutes(256), TimeSpan.FromHours(6), TimeSpan.FromHours(6),
            ],
            delays);
    }

    [Theory]
    [InlineData(1, 0.0, 24)]
    [InlineData(1, 1.0, 36)]
    [InlineData(1, 0.25, 27)]
    [InlineData(3, 0.0, 96)]
    [InlineData(3, 1.0, 144)]
    public void Jitter_Moves_The_Wait_By_At_Most_20_Percent_Either_Way(int failedAttempts, double random01, int expectedSeconds)
    {
        var delay = RetrySchedule.NextDelay(new RetryPolicy(), failedAttempts, null, random01);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), delay);
    }

    [Fact]
    public void Jittered_Waits_Stay_Within_Bounds_For_Any_Random_Draw()
    {
        var policy = new RetryPolicy();
        var random = new Random(1234);

        for (var n = 1; n < policy.MaxAttempts; n++)
        {
            var nominal = RetrySchedule.NextDelay(policy, n, null, NoJitter)!.Value;
            for (var i = 0; i < 200; i++)
            {
                var delay = RetrySchedule.NextDelay(policy, n, null, random.NextDouble())!.Value;
                Assert.InRange(delay, nominal * 0.8, nominal * 1.2);
            }
        }
    }

    [Fact]
    public void Retry_After_Longer_Than_The_Backoff_Is_Honoured_And_A_Shorter_One_Does_Not_Hurry_Us()
    {
        var policy = new RetryPolicy();

        Assert.Equal(TimeSpan.FromMinutes(10), RetrySchedule.NextDelay(policy, 1, TimeSpan.FromMinutes(10), NoJitter));
        Assert.Equal(TimeSpan.FromMinutes(4), RetrySchedule.NextDelay(policy, 4, TimeSpan.FromSeconds(5), NoJitter));
        Assert.Equal(TimeSpan.FromSeconds(30), RetrySchedule.NextDelay(policy, 1, TimeSpan.Zero, NoJitter));
    }

    [Fact]
    public void Retry_After_Cannot_Postpone_Beyond_24_Hours_Or_Revive_A_Finished_Delivery()
    {
        var policy = new RetryPolicy();

        Assert.Equal(TimeSpan.FromHours(24), RetrySchedule.NextDelay(policy, 2, TimeSpan.FromDays(30), NoJitter));
        Assert.Equal(TimeSpan.FromHours(24), RetrySchedule.NextDelay(policy, 2, TimeSpan.MaxValue, NoJitter));
        Assert.Null(RetrySchedule.NextDelay(policy, policy.MaxAttempts, TimeSpan.FromSeconds(1), NoJitter));
    }

    [Fact]
    public void A_Millisecond_Policy_For_Tests_Backs_Off_And_Gives_Up_The_Same_Way()
    {
        var policy = new RetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(40), MaxAttempts = 5 };

        var delays = Enumerable.Range(1, 5).Select(n => RetrySchedule.NextDelay(policy, n, null, NoJitter)).ToArray();

        Assert.Equal(
            [TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(40), null],
            delays);
        Assert.Equal(TimeSpan.FromMilliseconds(8), RetrySchedule.NextDelay(policy, 1, null, 0));
    }

    [Fact]
    public void Huge_Attempt_Counts_Neither_Overflow_Nor_Exceed_The_Cap()
    {
        var policy = new RetryPolicy { MaxAttempts = int.MaxValue };

        Assert.Equal(TimeSpan.FromHours(6), RetrySchedule.NextDelay(policy, 5_000, null, NoJitter));
    }

    [Theory]
    [InlineData(0, 0.5)]
    [InlineData(-1, 0.5)]
    [InlineData(1, -0.1)]
    [InlineData(1, 1.1)]
    [InlineData(1, double.NaN)]
    public void Nonsense_Arguments_Are_A_Programming_Error(int failedAttempts, double random01)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RetrySchedule.NextDelay(new RetryPolicy(), failedAttempts, null, random01));
    }

    [Theory]
    [InlineData("120", 120)]
    [InlineData("0", 0)]
    [InlineData(" 5 ", 5)]
    [InlineData("Sat, 21 Nov 2026 10:02:00 GMT", 120)]
    [InlineData("Saturday, 21-Nov-26 11:00:00 GMT", 3600)]
    [InlineData("Sat Nov 21 10:00:30 2026", 30)]
    [InlineData("Sun Nov  1 10:00:30 2026", 0)]
    [InlineData("Fri, 20 Nov 2026 10:00:00 GMT", 0)]
    public void Retry_After_Is_Read_As_Seconds_Or_As_An_Http_Date(string header, int expectedSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), RetrySchedule.ParseRetryAfter(header, Now));
    }

    [Fact]
    public void A_Retry_After_Too_Large_For_A_TimeSpan_Still_Means_A_Long_Wait()
    {
        Assert.Equal(TimeSpan.MaxValue, RetrySchedule.ParseRetryAfter("99999999999999999999999", Now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("+5")]
    [InlineData("1.5")]
    [InlineData("5 seconds")]
    [InlineData("Sat, 32 Nov 2026 10:00:00 GMT")]
    [InlineData("2026-11-21T10:02:00Z")]
    public void Unreadable_Retry_After_Is_Ignored(string? header)
    {
        Assert.Null(RetrySchedule.ParseRetryAfter(header, Now));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(408, true)]
    [InlineData(425, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(301, true)]
    [InlineData(400, true)]
    [InlineData(401, true)]
    [InlineData(404, true)]
    [InlineData(410, false)]
    [InlineData(200, false)]
    [InlineData(204, false)]
    public void Every_Failure_Is_Retried_Except_410_Gone(int? status, bool retryable)
    {
        Assert.Equal(retryable, RetrySchedule.IsRetryable(status));
    }

    [Theory]
    [InlineData(410, true)]
    [InlineData(404, false)]
    [InlineData(500, false)]
    [InlineData(null, false)]
    [InlineData(200, false)]
    public void Only_410_Gone_Disables_The_Endpoint(int? status, bool disable)
    {
        Assert.Equal(disable, RetrySchedule.ShouldDisableEndpoint(status));
    }

    [Theory]
    [InlineData(200, true)]
    [InlineData(202, true)]
    [InlineData(299, true)]
    [InlineData(199, false)]
    [InlineData(300, false)]
    [InlineData(null, false)]
    public void Any_2xx_Counts_As_Delivered(int? status, bool delivered)
    {
        Assert.Equal(delivered, RetrySchedule.IsSuccess(status));
    }

    /// <summary>Time from the first attempt to the last when every attempt fails.</summary>
    private static TimeSpan Span(RetryPolicy policy, double random01)
    {
        var total = TimeSpan.Zero;
        for (var failed = 1; RetrySchedule.NextDelay(policy, failed, null, random01) is { } delay; failed++)
        {
            total += delay;
        }

        return total;
    }
}
