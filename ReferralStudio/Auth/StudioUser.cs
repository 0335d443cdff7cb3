using Microsoft.AspNetCore.Identity;

namespace ReferralStudio.Auth;

/// <summary>A person who signs in to the dashboard (ASP.NET Core Identity; the email is the user name).</summary>
public sealed class StudioUser : IdentityUser<long>
{
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastSignInAt { get; set; }
}
