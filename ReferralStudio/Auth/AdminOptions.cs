using ReferralStudio.Hosting;

namespace ReferralStudio.Auth;

/// <summary>The first administrator (section <c>Admin</c>), created on first start if missing.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    public string Email { get; set; } = "";

    public string Password { get; set; } = "";

    /// <summary>Failed sign-ins in a row before the account is locked.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The rules that hold in every environment, checked at start, each naming its key.</summary>
    internal IEnumerable<string?> Rules() =>
    [
        OptionsRules.AtLeast(MaxFailedSignIns, 1, $"{Section}:MaxFailedSignIns"),
        OptionsRules.Positive(LockoutDuration, $"{Section}:LockoutDuration"),
    ];
}
