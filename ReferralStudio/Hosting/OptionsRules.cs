using Microsoft.Extensions.Options;

namespace ReferralStudio.Hosting;

/// <summary>
/// Options checked at start against a list of rules, each broken one reported with the configuration key it is
/// about: a bad value (a concurrency of 0, a zero timeout) stops the app with a message instead of misbehaving later.
/// </summary>
public static class OptionsRules
{
    /// <summary>
    /// Validates the options with <paramref name="rules"/> (null for a rule that holds, else its message) when they are
    /// first built, and builds them at start.
    /// </summary>
    public static OptionsBuilder<T> ValidateRules<T>(this OptionsBuilder<T> builder, Func<T, IEnumerable<string?>> rules)
        where T : class
    {
        builder.Services.AddSingleton<IValidateOptions<T>>(new RulesValidator<T>(builder.Name, rules));
        return builder.ValidateOnStart();
    }

    public static string? AtLeast(int value, int minimum, string key) =>
        value >= minimum ? null : $"{key} must be at least {minimum} (it is {value}).";

    public static string? Between(int value, int minimum, int maximum, string key) =>
        value >= minimum && value <= maximum ? null : $"{key} must be between {minimum} and {maximum} (it is {value}).";

    public static string? Between(double value, double minimum, double maximum, string key) =>
        value >= minimum && value <= maximum ? null : $"{key} must be between {minimum} and {maximum} (it is {value}).";

    public static string? Positive(TimeSpan value, string key) =>
        value > TimeSpan.Zero ? null : $"{key} must be a positive time span (it is {value}).";

    public static string? PositiveUpTo(TimeSpan value, TimeSpan maximum, string key) =>
        value > TimeSpan.Zero && value <= maximum ? null : $"{key} must be a positive time span of at most {maximum} (it is {value}).";

    public static string? NotNegative(TimeSpan value, string key) =>
        value >= TimeSpan.Zero ? null : $"{key} must not be negative (it is {value}).";

    private sealed class RulesValidator<T>(string? name, Func<T, IEnumerable<string?>> rules) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? optionsName, T options)
        {
            if (name is not null && name != optionsName)
            {
                return ValidateOptionsResult.Skip;
            }

            var failures = rules(options).OfType<string>().ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
