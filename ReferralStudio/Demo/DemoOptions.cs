namespace ReferralStudio.Demo;

/// <summary>The demo data set (section <c>Demo</c>).</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>How many conversations the demo set has.</summary>
    public int Conversations { get; set; } = 3000;

    /// <summary>The rules checked at start, each naming its key.</summary>
    internal IEnumerable<string?> Rules() =>
    [
        Conversations is >= 1 and <= DemoDataGenerator.MaxConversations
            ? null : $"{Section}:Conversations must be between 1 and {DemoDataGenerator.MaxConversations} (it is {Conversations}).",
    ];
}
