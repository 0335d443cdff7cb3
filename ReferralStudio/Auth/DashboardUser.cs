namespace ReferralStudio.Auth;

/// <summary>A person who signs in to the dashboard.</summary>
public sealed class DashboardUser
{
    public long Id { get; set; }
    public string Email { get; set; } = "";
    /// <summary>ASP.NET Core Identity's PBKDF2 format (PasswordHasher), never the password itself.</summary>
    public string PasswordHash { get; set; } = "";
    public int FailedSignIns { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSignInAt { get; set; }
}
