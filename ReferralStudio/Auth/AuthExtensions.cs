using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using ReferralStudio.Hosting;

namespace ReferralStudio.Auth;

public static class AuthExtensions
{
    public static WebApplicationBuilder AddDashboardAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AdminOptions>()
            .BindConfiguration(AdminOptions.Section)
            .Validate(o => builder.Environment.IsDevelopment() || !string.IsNullOrWhiteSpace(o.Email),
                "Admin:Email is required outside Development (set it in configuration or the Admin__Email environment variable).")
            .Validate(o => builder.Environment.IsDevelopment() || o.Password.Length >= 12,
                "Admin:Password is required outside Development, at least 12 characters (Admin__Password).")
            .ValidateRules(o => o.Rules())
            .ValidateRules(o => [DevelopmentSecrets.Refuse(builder.Environment, $"{AdminOptions.Section}:Password", o.Password)]);
        builder.Services.AddSingleton<IPasswordHasher<DashboardUser>, PasswordHasher<DashboardUser>>();
        builder.Services.AddSingleton<SignInService>();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.LoginPath = "/account/login";
                o.LogoutPath = "/account/logout";
                o.AccessDeniedPath = "/account/login";
                o.Cookie.Name = "ReferralStudio.Auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.ExpireTimeSpan = TimeSpan.FromDays(7);
                o.SlidingExpiration = true;
                // A hub connection cannot follow a redirect to the sign-in page: answer 401 instead.
                o.Events.OnRedirectToLogin = context =>
                {
                    if (context.Request.Path.StartsWithSegments("/hubs"))
                    {
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    }
                    else
                    {
                        context.Response.Redirect(context.RedirectUri);
                    }

                    return Task.CompletedTask;
                };
            });
        // Like the sign-in cookie: Secure whenever the request is https, which behind a TLS proxy its
        // X-Forwarded-Proto tells (the antiforgery default never marks it).
        builder.Services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        builder.Services.AddCascadingAuthenticationState();
        return builder;
    }

    public static IEndpointRouteBuilder MapDashboardAuth(this IEndpointRouteBuilder app)
    {
        // A form post with antiforgery, so a third-party page cannot sign people out.
        app.MapPost("/account/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.LocalRedirect("/account/login");
        }).ExcludeFromDescription();
        return app;
    }

    public static Task EnsureAdminAsync(this WebApplication app) =>
        app.Services.GetRequiredService<SignInService>().EnsureAdminAsync();
}
