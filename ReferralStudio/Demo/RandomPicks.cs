using static ReferralStudio.Demo.DemoCatalog;

namespace ReferralStudio.Demo;

/// <summary>Weighted and uniform picks from the <see cref="DemoCatalog"/> tables.</summary>
internal static class RandomPicks
{
    public static Code PickCode(this Random random, string? exclude)
    {
        var total = 0.0;
        foreach (var code in Codes)
        {
            total += code.Ref == exclude ? 0 : code.Weight;
        }

        var x = random.NextDouble() * total;
        foreach (var code in Codes)
        {
            if (code.Ref == exclude)
            {
                continue;
            }

            x -= code.Weight;
            if (x < 0)
            {
                return code;
            }
        }

        return Codes[^1].Ref == exclude ? Codes[^2] : Codes[^1];
    }

    // An ad whose identity (its ref, else its id) differs from exclude.
    public static Ad PickAd(this Random random, Ad[] ads, string? exclude)
    {
        var total = 0.0;
        foreach (var ad in ads)
        {
            total += (ad.Ref ?? ad.Id) == exclude ? 0 : ad.Weight;
        }

        var x = random.NextDouble() * total;
        foreach (var ad in ads)
        {
            if ((ad.Ref ?? ad.Id) == exclude)
            {
                continue;
            }

            x -= ad.Weight;
            if (x < 0)
            {
                return ad;
            }
        }

        return (ads[^1].Ref ?? ads[^1].Id) == exclude ? ads[^2] : ads[^1];
    }

    public static T Pick<T>(this Random random, T[] items) => items[random.Next(items.Length)];
}
