using Microsoft.Extensions.Options;

namespace ReferralStudio.Hosting;

/// <summary>Settings refused at start, as the operator reads them: one line per broken rule, each naming its key.</summary>
public static class SettingsRefusal
{
    /// <summary>Checks every option validated on start now, before the app touches its files or listens.</summary>
    public static void ValidateSettings(this WebApplication app) =>
        app.Services.GetService<IStartupValidator>()?.Validate();

    /// <summary>The message for a refusal by options validation (one or several options types); null for any other exception.</summary>
    public static string? Describe(Exception exception)
    {
        var failures = exception switch
        {
            OptionsValidationException one => one.Failures,
            AggregateException many when many.InnerExceptions.All(e => e is OptionsValidationException) =>
                many.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures),
            _ => null,
        };
        return failures is null
            ? null
            : "ReferralStudio did not start: settings are missing or unsafe." + string.Concat(failures.Select(f => "\n  - " + f));
    }
}
