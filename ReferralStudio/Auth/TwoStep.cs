using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using QRCoder;
using ReferralStudio.Audit;
using ReferralStudio.Data;
using ReferralStudio.Security;

namespace ReferralStudio.Auth;

/// <summary>A key being set up: to scan (the QR code as a data: URI) or type (the key in groups of four).</summary>
public sealed record TwoStepSetup(string KeyGroups, string QrDataUri);

/// <summary>Where a user stands: on or off, whether the team requires it, a setup under way, recovery codes left.</summary>
public sealed record TwoStepStatus(bool Enabled, bool Required, TwoStepSetup? Pending, int RecoveryCodesLeft);

/// <summary>Two-step sign-in turned on (the recovery codes, shown once) or refused, with the reason for the field.</summary>
public sealed record TwoStepEnabled(IReadOnlyList<string>? RecoveryCodes, string? Error);

public enum SecondStepMatch
{
    Wrong,
    Code,
    RecoveryCode,
}

/// <summary>
/// Per-user two-step sign-in: an authenticator key (RFC 6238, <see cref="Totp"/>) and ten one-time recovery codes.
/// Everything lives in Identity's user token store: the key encrypted (<see cref="StoredSecrets"/>), the last step a
/// code was accepted for (so a code works once), and only SHA-256 hashes of the recovery codes. Turning it on, off or
/// resetting it changes the security stamp (the user's other sessions end) and is audited, never with a secret.
/// </summary>
public sealed partial class TwoStep(
    IServiceScopeFactory scopes, StoredSecrets secrets, AuditLog audit, TwoStepRequirement requirement, TimeProvider time, ILogger<TwoStep> logger)
{
    private const string Provider = Team.TokenProvider;
    private const string KeyName = "totp-key";
    private const string PendingName = "totp-pending";
    private const string LastStepName = "totp-last-step";
    private const string RecoveryName = "recovery-codes";

    public const int RecoveryCodeCount = 10;
    public const string Issuer = "ReferralStudio";

    /// <summary>Recovery codes: ten characters of the base32 alphabet (50 bits), shown as XXXXX-XXXXX.</summary>
    private const string RecoveryAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public const string WrongCode = "That code is not right. Enter the 6-digit code your authenticator app shows now.";

    public async Task<TwoStepStatus> StatusAsync(long userId, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
        var required = await requirement.IsRequiredAsync(cancellationToken);
        if (await users.FindByIdAsync(Id(userId)) is not { } user)
        {
            return new(false, required, null, 0);
        }

        var pending = user.TwoFactorEnabled ? null : await users.GetAuthenticationTokenAsync(user, Provider, PendingName);
        var key = pending is not null && secrets.TryUnprotect(pending, out var plain) ? plain : null;
        var recovery = await users.GetAuthenticationTokenAsync(user, Provider, RecoveryName);
        return new(user.TwoFactorEnabled, required, key is null ? null : Setup(user.Email ?? "", key), RecoveryHashes(recovery).Count);
    }

    /// <summary>Starts (or restarts) setting up: a new key, kept aside until a code from it confirms it.</summary>
    public async Task<TwoStepSetup?> BeginAsync(long userId, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
        if (await users.FindByIdAsync(Id(userId)) is not { TwoFactorEnabled: false } user)
        {
            return null;
        }

        var key = Base32.Encode(RandomNumberGenerator.GetBytes(Totp.KeyBytes));
        var stored = await users.SetAuthenticationTokenAsync(user, Provider, PendingName, secrets.Protect(key));
        return stored.Succeeded ? Setup(user.Email ?? "", key) : null;
    }

    /// <summary>Turns two-step sign-in on when <paramref name="code"/> is a current code of the key being set up.</summary>
    public async Task<TwoStepEnabled> ConfirmAsync(long userId, string? code, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await users.FindByIdAsync(Id(userId)) is not { } user || user.TwoFactorEnabled)
        {
            return new(null, "Two-step sign-in is already on for you.");
        }

        var pending = await users.GetAuthenticationTokenAsync(user, Provider, PendingName);
        if (pending is null || !secrets.TryUnprotect(pending, out var key) || Base32.Decode(key!) is not { } bytes)
        {
            return new(null, "Start again: press \"Set up two-step sign-in\" for a new key.");
        }

        if (Totp.Match(bytes, code, time.GetUtcNow(), null) is not { } step)
        {
            return new(null, WrongCode);
        }

        var before = AuditSnapshot.Of(await Team.StateAsync(db, users, user, time.GetUtcNow(), cancellationToken));
        var codes = NewRecoveryCodes();
        await users.RemoveAuthenticationTokenAsync(user, Provider, PendingName);
        await users.SetAuthenticationTokenAsync(user, Provider, KeyName, pending);
        // The confirming code is used up: it cannot also sign someone in.
        await users.SetAuthenticationTokenAsync(user, Provider, LastStepName, step.ToString(CultureInfo.InvariantCulture));
        await users.SetAuthenticationTokenAsync(user, Provider, RecoveryName, StoredRecovery(codes));
        await users.SetTwoFactorEnabledAsync(user, true);
        // Sessions signed in with the password alone end; the caller issues this browser a new cookie.
        var stamped = await users.UpdateSecurityStampAsync(user);
        if (!stamped.Succeeded)
        {
            return new(null, "Your account changed meanwhile; try again.");
        }

        AddAudit(db, user, AuditActions.UserTwoStepEnabled, before, await Team.StateAsync(db, users, user, time.GetUtcNow(), cancellationToken),
            $"'{user.Email}' turned on two-step sign-in");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogChange(logger, AuditActions.UserTwoStepEnabled, user.Id);
        return new(codes, null);
    }

    /// <summary>
    /// Turns two-step sign-in off with a current code or the password as proof; refused while the team requires it.
    /// Null when done, else the reason.
    /// </summary>
    public async Task<string?> DisableAsync(long userId, string? proof, CancellationToken cancellationToken = default)
    {
        if (await requirement.IsRequiredAsync(cancellationToken))
        {
            return "Your team requires two-step sign-in, so it stays on. An Owner can change that on the team page.";
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await users.FindByIdAsync(Id(userId)) is not { TwoFactorEnabled: true } user)
        {
            return "Two-step sign-in is already off for you.";
        }

        var proven = Totp.LooksLikeCode(proof)
            ? await MatchCodeAsync(users, user, proof, cancellationToken)
            : !string.IsNullOrEmpty(proof) && await users.CheckPasswordAsync(user, proof);
        if (!proven)
        {
            return "Enter a current code from your authenticator app, or your password.";
        }

        var before = AuditSnapshot.Of(await Team.StateAsync(db, users, user, time.GetUtcNow(), cancellationToken));
        var off = await ForgetAsync(users, user);
        if (!off.Succeeded)
        {
            return string.Join(" ", off.Errors.Select(e => e.Description));
        }

        AddAudit(db, user, AuditActions.UserTwoStepDisabled, before, await Team.StateAsync(db, users, user, time.GetUtcNow(), cancellationToken),
            $"'{user.Email}' turned off two-step sign-in");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogChange(logger, AuditActions.UserTwoStepDisabled, user.Id);
        return null;
    }

    /// <summary>Ten new recovery codes, shown once; the old ones stop working. Null when two-step sign-in is off.</summary>
    public async Task<IReadOnlyList<string>?> RenewRecoveryCodesAsync(long userId, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await users.FindByIdAsync(Id(userId)) is not { TwoFactorEnabled: true } user)
        {
            return null;
        }

        var codes = NewRecoveryCodes();
        if (!(await users.SetAuthenticationTokenAsync(user, Provider, RecoveryName, StoredRecovery(codes))).Succeeded)
        {
            return null;
        }

        audit.AddEvent(db, AuditActor.User(user.Email ?? "", Id(user.Id)), AuditActions.UserRecoveryCodesRenewed,
            AuditSnapshot.Of(await Team.StateAsync(db, users, user, time.GetUtcNow(), cancellationToken)), $"'{user.Email}' made new recovery codes");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogChange(logger, AuditActions.UserRecoveryCodesRenewed, user.Id);
        return codes;
    }

    /// <summary>
    /// Checks the second step of signing in: a current authenticator code (once: the step is recorded, an older or the
    /// same step is refused) or an unused recovery code (then crossed off). Works on the caller's
    /// <paramref name="users"/>, whose concurrency stamp makes two simultaneous uses of one code fail for one of them.
    /// </summary>
    public async Task<SecondStepMatch> VerifyAsync(UserManager<StudioUser> users, StudioUser user, string? typed, CancellationToken cancellationToken = default)
    {
        if (!user.TwoFactorEnabled || string.IsNullOrWhiteSpace(typed) || typed.Length > 32)
        {
            return SecondStepMatch.Wrong;
        }

        if (Totp.LooksLikeCode(typed))
        {
            return await MatchCodeAsync(users, user, typed, cancellationToken) ? SecondStepMatch.Code : SecondStepMatch.Wrong;
        }

        var stored = RecoveryHashes(await users.GetAuthenticationTokenAsync(user, Provider, RecoveryName));
        var presented = RecoveryHash(typed);
        var match = -1;
        for (var i = 0; i < stored.Count; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(Base64Url.DecodeFromChars(stored[i]), presented))
            {
                match = i;
            }
        }

        if (match < 0)
        {
            return SecondStepMatch.Wrong;
        }

        stored.RemoveAt(match);
        var crossed = await users.SetAuthenticationTokenAsync(user, Provider, RecoveryName, string.Join(';', stored));
        return crossed.Succeeded ? SecondStepMatch.RecoveryCode : SecondStepMatch.Wrong;
    }

    /// <summary>Turns two-step sign-in off and forgets the key, its last step and the recovery codes (disabling, an Owner's or Admin's reset).</summary>
    internal static async Task<IdentityResult> ForgetAsync(UserManager<StudioUser> users, StudioUser user)
    {
        foreach (var name in new[] { KeyName, PendingName, LastStepName, RecoveryName })
        {
            await users.RemoveAuthenticationTokenAsync(user, Provider, name);
        }

        var off = await users.SetTwoFactorEnabledAsync(user, false);
        return off.Succeeded ? await users.UpdateSecurityStampAsync(user) : off;
    }

    private async Task<bool> MatchCodeAsync(UserManager<StudioUser> users, StudioUser user, string? typed, CancellationToken cancellationToken)
    {
        var stored = await users.GetAuthenticationTokenAsync(user, Provider, KeyName);
        // A key protected with Data Protection keys this app no longer has matches nothing: recovery codes still work.
        if (stored is null || !secrets.TryUnprotect(stored, out var key) || Base32.Decode(key!) is not { } bytes)
        {
            return false;
        }

        var last = long.TryParse(await users.GetAuthenticationTokenAsync(user, Provider, LastStepName), NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : (long?)null;
        if (Totp.Match(bytes, typed, time.GetUtcNow(), last) is not { } step)
        {
            return false;
        }

        var used = await users.SetAuthenticationTokenAsync(user, Provider, LastStepName, step.ToString(CultureInfo.InvariantCulture));
        return used.Succeeded;
    }

    private void AddAudit(AppDbContext db, StudioUser user, string action, AuditSnapshot before, TeamMemberState after, string summary) =>
        audit.Add(db, AuditActor.User(user.Email ?? "", Id(user.Id)), action, before, AuditSnapshot.Of(after), summary);

    /// <summary>What an authenticator app scans: <c>otpauth://totp/ReferralStudio:email?secret=…&amp;issuer=ReferralStudio</c>.</summary>
    public static string OtpAuthUri(string email, string key) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(email)}?secret={key}&issuer={Uri.EscapeDataString(Issuer)}&digits={Totp.Digits}&period={Totp.StepSeconds}";

    private static TwoStepSetup Setup(string email, string key)
    {
        var png = PngByteQRCodeHelper.GetQRCode(OtpAuthUri(email, key), QRCodeGenerator.ECCLevel.M, 6);
        return new(Groups(key), "data:image/png;base64," + Convert.ToBase64String(png));
    }

    /// <summary>The key in groups of four, lower case, for typing into an app by hand.</summary>
    public static string Groups(string key) =>
        string.Join(' ', key.ToLowerInvariant().Chunk(4).Select(c => new string(c)));

    private static List<string> NewRecoveryCodes() =>
        Enumerable.Range(0, RecoveryCodeCount).Select(_ => RandomNumberGenerator.GetString(RecoveryAlphabet, 10).Insert(5, "-")).ToList();

    private static string StoredRecovery(IEnumerable<string> codes) =>
        string.Join(';', codes.Select(c => Base64Url.EncodeToString(RecoveryHash(c))));

    private static List<string> RecoveryHashes(string? stored) =>
        string.IsNullOrEmpty(stored) ? [] : [.. stored.Split(';', StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>Case, spaces and the dash do not matter: the hash is of the ten characters, upper case.</summary>
    private static byte[] RecoveryHash(string code)
    {
        var normal = new StringBuilder(code.Length);
        foreach (var c in code)
        {
            if (c is not (' ' or '-'))
            {
                normal.Append(char.ToUpperInvariant(c));
            }
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(normal.ToString()));
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Information, Message = "Two-step sign-in: {Action} for user {UserId}")]
    private static partial void LogChange(ILogger logger, string action, long userId);
}
