using ReferralStudio.Links.Trackable;

namespace ReferralStudio.Tests.Links;

/// <summary>The in-memory scan counts between writes: nothing counted is lost when a write fails.</summary>
public sealed class ScanCounterTests
{
    private static readonly ScanKey IosToday = new(1, new DateOnly(2026, 11, 20), "instagram", "box_2026", DeviceClasses.Ios);

    [Fact]
    public void A_Batch_That_Was_Not_Written_Joins_The_Next_One()
    {
        var counter = new ScanCounter();
        counter.Count(IosToday);
        counter.Count(IosToday);
        var failed = counter.Take();

        counter.Count(IosToday);
        counter.GiveBack(failed);

        Assert.Equal(3, counter.Take()[IosToday]);
        Assert.Empty(counter.Take());
    }

    [Fact]
    public void Counts_Are_Kept_Apart_By_Day_Platform_Code_And_Device()
    {
        var counter = new ScanCounter();
        counter.Count(IosToday);
        counter.Count(IosToday with { Device = DeviceClasses.Android });
        counter.Count(IosToday with { Day = IosToday.Day.AddDays(1) });
        counter.Count(IosToday with { Platform = "whatsapp" });
        counter.Count(IosToday with { Code = "box_2027" });

        var batch = counter.Take();

        Assert.Equal(5, batch.Count);
        Assert.All(batch.Values, scans => Assert.Equal(1, scans));
    }
}
