using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using ReferralStudio.Data;
using ReferralStudio.Hosting;

namespace ReferralStudio.Auth;

public static class AuthExtensions
{
    /// <summary>The key, in a session's authentication properties, of when its user signed in (the absolute lifetime counts from it).</summary>
    private const string SignedInAtKey = "rs.signed-in-at";

    public static WebApplicationBuilder AddDashboardAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AdminOptions>()
            .BindConfiguration(AdminOptions.Section)
            .Validate(o => builder.Environment.IsDevelopment() || !string.IsNullOrWhiteSpace(o.Email),
                "Admin:Email is required outside Development (set it in configuration or the Admin__Email environment variable).")
            .Validate(o => builder.Environment.IsDevelopment() || o.Password.Length >= 12,
                "Admin:Password is required outside Development, at least 12 characters (Admin__Password).")
            .ValidateRules(o => [DevelopmentSecrets.Refuse(builder.Environment, $"{AdminOptions.Section}:Password", o.Password)]);
        builder.Services.AddOptions<SessionOptions>().BindConfiguration(SessionOptions.Section).ValidateRules(o => o.Rules());
        builder.Services.AddOptions<SignInThrottleOptions>().BindConfiguration(SignInThrottleOptions.Section).ValidateRules(o => o.Rules());
        builder.Services.AddSingleton<SignInThrottle>();
        builder.Services.AddScoped<SignInService>();
        builder.Services.AddSingleton<Team>();
        builder.Services.AddSingleton<TwoStep>();
        builder.Services.AddSingleton<TwoStepRequirement>();

        builder.Services.AddIdentityCore<StudioUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                // Length instead of composition rules (NIST SP 800-63B): twelve characters of anything.
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                // Failed sign-ins slow down (SignInThrottle) instead of locking; lock-out marks a disabled user.
                o.Lockout.AllowedForNewUsers = false;
            })
            .AddRoles<IdentityRole<long>>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<StudioClaimsFactory>()
            .AddDefaultTokenProviders();
        builder.Services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        builder.Services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<IOptions<SessionOptions>, TimeProvider>((o, sessions, time) =>
            {
                o.LoginPath = "/account/login";
                o.LogoutPath = "/account/logout";
                o.AccessDeniedPath = "/account/denied";
                o.Cookie.Name = "ReferralStudio.Auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                // Secure whenever the request is https, which behind a TLS proxy its X-Forwarded-Proto tells.
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                // The app's clock for issuing and checking, as for everything else it times.
                o.TimeProvider = time;
                o.ExpireTimeSpan = sessions.Value.IdleTimeout;
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = async context =>
                {
                    if (!context.Properties.Items.TryGetValue(SignedInAtKey, out var signedInText) || !long.TryParse(signedInText, out var signedIn)
                        || time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(signedIn) > sessions.Value.AbsoluteLifetime)
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                        return;
                    }

                    await SecurityStampValidator.ValidatePrincipalAsync(context);
                };
                // A hub connection cannot follow a redirect to the sign-in page: answer 401 (or 403) instead.
                o.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
            });
        builder.Services.AddOptions<SecurityStampValidatorOptions>()
            .Configure<IOptions<SessionOptions>, TimeProvider>((o, sessions, time) =>
            {
                o.ValidationInterval = sessions.Value.RecheckEvery;
                o.TimeProvider = time;
            });

        var authorization = builder.Services.AddAuthorizationBuilder();
        foreach (var policy in new[] { StudioRoles.Policies.Read, StudioRoles.Policies.Edit, StudioRoles.Policies.Administer, StudioRoles.Policies.Own })
        {
            authorization.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(StudioRoles.Admitted(policy)));
        }

        // Like the sign-in cookie: Secure whenever the request is https (the antiforgery default never marks it).
        builder.Services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<AuthenticationStateProvider, RevalidatingStudioAuthenticationState>();
        return builder;
    }

    /// <summary>Issues the session cookie for <paramref name="user"/>, remembering when, for the absolute lifetime.</summary>
    public static Task SignInStudioUserAsync(this SignInManager<StudioUser> signIn, StudioUser user, TimeProvider time)
    {
        // A browser-session cookie, as before Identity: closing the browser ends it; the ticket inside still expires.
        var properties = new AuthenticationProperties { IsPersistent = false };
        properties.Items[SignedInAtKey] = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return signIn.SignInAsync(user, properties);
    }

    public static IEndpointRouteBuilder MapDashboardAuth(this IEndpointRouteBuilder app)
    {
        // A form post, so antiforgery applies (a third-party page cannot sign anyone out); "everywhere" also ends the
        // user's other sessions, on every device, within SessionOptions.RecheckEvery.
        app.MapPost("/account/logout", async (HttpContext context, SignInManager<StudioUser> signIn, [FromForm] string? scope) =>
        {
            if (scope == "everywhere" && await signIn.UserManager.GetUserAsync(context.User) is { } user)
            {
                await signIn.UserManager.UpdateSecurityStampAsync(user);
            }

            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/account/login");
        }).ExcludeFromDescription();
        return app;
    }

    /// <summary>Creates the configured administrator as the first Owner while the app has no user at all.</summary>
    public static async Task EnsureAdminAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StudioUser>>();
        if (users.Users.Any())
        {
            return;
        }

        var admin = scope.ServiceProvider.GetRequiredService<IOptions<AdminOptions>>().Value;
        var user = new StudioUser
        {
            UserName = admin.Email.Trim(),
            Email = admin.Email.Trim(),
            EmailConfirmed = true,
            CreatedAt = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow(),
        };
        var created = await users.CreateAsync(user, admin.Password);
        if (created.Succeeded)
        {
            created = await users.AddToRoleAsync(user, StudioRoles.Owner);
        }

        if (!created.Succeeded)
        {
            throw new InvalidOperationException("Creating the first Owner (Admin:Email, Admin:Password) failed: " +
                string.Join(" ", created.Errors.Select(e => e.Description)));
        }
    }

    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/hubs"))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }
}
