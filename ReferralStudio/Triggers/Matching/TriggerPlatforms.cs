using ReferralStudio.Platforms;
using static ReferralStudio.Platforms.PlatformNames;

namespace ReferralStudio.Triggers.Matching;

/// <summary>The bit masks the matcher compares instead of the platform names a trigger lists (<see cref="PlatformNames"/>).</summary>
public static class TriggerPlatforms
{
    internal const int AllMask = 0b111;

    /// <summary>1, 2 or 4 for a known platform, else 0 (which matches no trigger).</summary>
    internal static int Bit(string? platform) => platform switch
    {
        Instagram => 1,
        Messenger => 2,
        WhatsApp => 4,
        null => 0,
        // Names are lower-case by contract; the ignore-case pass only costs something when a caller breaks it.
        _ when platform.Equals(Instagram, StringComparison.OrdinalIgnoreCase) => 1,
        _ when platform.Equals(Messenger, StringComparison.OrdinalIgnoreCase) => 2,
        _ when platform.Equals(WhatsApp, StringComparison.OrdinalIgnoreCase) => 4,
        _ => 0,
    };

    /// <summary>The mask for a trigger's list; empty means all three. Unknown names are a caller bug and throw.</summary>
    internal static int Mask(TriggerDefinition trigger)
    {
        if (trigger.Platforms.Count == 0)
        {
            return AllMask;
        }

        var mask = 0;
        foreach (var name in trigger.Platforms)
        {
            var bit = Bit(name);
            if (bit == 0)
            {
                throw new ArgumentException(
                    $"Trigger {trigger.Id} '{trigger.Name}' lists unknown platform '{name}'; expected {Describe(AllMask)}.",
                    nameof(trigger));
            }

            mask |= bit;
        }

        return mask;
    }

    internal static string Describe(int mask)
    {
        var names = new List<string>(3);
        for (var i = 0; i < All.Count; i++)
        {
            if ((mask & (1 << i)) != 0)
            {
                names.Add(All[i]);
            }
        }

        return names.Count switch
        {
            0 => "no platform",
            1 => names[0],
            _ => string.Join(", ", names[..^1]) + " or " + names[^1],
        };
    }
}
