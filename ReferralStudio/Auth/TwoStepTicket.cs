using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace ReferralStudio.Auth;

/// <summary>
/// Between the password and the code: who passed the password, their security stamp then, when, and where to go after.
/// Encrypted and signed with Data Protection, in a cookie scoped to <c>/account</c>, valid for <see cref="Lifetime"/> on
/// the app's clock, and void when the stamp changed (an Owner reset the member's two-step sign-in, or disabled them).
/// It is not a session: nothing but the second-step page reads it.
/// </summary>
public sealed record TwoStepTicket(long UserId, string Stamp, DateTimeOffset IssuedAt, string ReturnUrl)
{
    public const string CookieName = "ReferralStudio.TwoStep";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private const string Purpose = "ReferralStudio.TwoStepTicket.v1";

    public void Issue(HttpContext context, IDataProtectionProvider protection)
    {
        var payload = string.Join('\n', UserId.ToString(CultureInfo.InvariantCulture), Stamp,
            IssuedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), ReturnUrl);
        context.Response.Cookies.Append(CookieName, protection.CreateProtector(Purpose).Protect(payload), new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = "/account",
            IsEssential = true,
        });
    }

    /// <summary>The request's ticket while it is valid; null when missing, tampered with or older than <see cref="Lifetime"/>.</summary>
    public static TwoStepTicket? Read(HttpContext context, IDataProtectionProvider protection, DateTimeOffset now)
    {
        if (context.Request.Cookies[CookieName] is not { Length: > 0 and < 4096 } cookie)
        {
            return null;
        }

        string payload;
        try
        {
            payload = protection.CreateProtector(Purpose).Unprotect(cookie);
        }
        catch (CryptographicException)
        {
            return null;
        }

        var parts = payload.Split('\n');
        if (parts is not [var id, var stamp, var issued, var returnUrl]
            || !long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var userId)
            || !long.TryParse(issued, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return null;
        }

        var issuedAt = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return now < issuedAt || now - issuedAt > Lifetime ? null : new(userId, stamp, issuedAt, returnUrl);
    }

    public static void Forget(HttpContext context) =>
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/account", Secure = context.Request.IsHttps, SameSite = SameSiteMode.Strict });
}
