using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using ReferralStudio.Platforms;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Api;

/// <summary>
/// Collects input errors so one 400 names every bad field with its reason. Only the first reason per field and the
/// first <see cref="MaxFields"/> fields are kept, each clipped: a hostile body with a hundred thousand bad items
/// gets a small answer, and adding an error costs the same however many came before.
/// </summary>
public sealed class FieldErrors
{
    public const int MaxFields = 20;
    public const int MaxFieldLength = 100;
    public const int MaxReasonLength = 300;

    private readonly Dictionary<string, string[]> _errors = [];

    public bool Any => _errors.Count > 0;

    /// <summary>True when more fields were wrong than <see cref="MaxFields"/>: the rest are not listed.</summary>
    public bool Truncated { get; private set; }

    /// <summary>Each field with its one (first) reason.</summary>
    public IReadOnlyDictionary<string, string[]> All => _errors;

    /// <summary>The first reason for a field, for a message next to it in the UI.</summary>
    public string? For(string field) => _errors.TryGetValue(field, out var reasons) ? reasons[0] : null;

    /// <summary>Keeps the first reason given for a field; later ones for it are dropped.</summary>
    public void Add(string field, string reason)
    {
        field = Clip(field, MaxFieldLength);
        if (_errors.ContainsKey(field))
        {
            return;
        }

        if (_errors.Count >= MaxFields)
        {
            Truncated = true;
            return;
        }

        _errors[field] = [Clip(reason, MaxReasonLength)];
    }

    /// <summary>At most <paramref name="max"/> characters of a value quoted in a reason, with … when cut.</summary>
    public static string Quote(string? value, int max = 40) => Clip(value ?? "", max);

    /// <summary>Adds the reason when there is one; returns whether the value was fine.</summary>
    public bool Check(string field, string? reason)
    {
        if (reason is null)
        {
            return true;
        }

        Add(field, reason);
        return false;
    }

    public ValidationProblem Problem() => TypedResults.ValidationProblem(
        _errors,
        title: "Invalid input",
        detail: Truncated ? $"Only the first {MaxFields} fields with errors are listed, each with its first reason." : null);

    public string? Platform(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var normalized = value.ToLowerInvariant();
        if (!PlatformNames.IsKnown(normalized))
        {
            Add(field, $"platform must be one of {string.Join(", ", PlatformNames.All)}.");
            return null;
        }

        return normalized;
    }

    public string? Ref(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (RefValidator.Validate(value) is { } reason)
        {
            Add(field, reason);
            return null;
        }

        return value;
    }

    public DateTimeOffset? Time(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return parsed;
        }

        Add(field, $"{field} must be an ISO 8601 date or time, such as 2026-11-01 or 2026-11-01T12:00:00Z.");
        return null;
    }

    /// <summary>A free-text filter from the query string: null when empty, else the value when it is at most <paramref name="max"/> characters.</summary>
    public string? Text(string field, string? value, int max)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.Length <= max)
        {
            return value;
        }

        Add(field, string.Create(CultureInfo.InvariantCulture, $"{field} is at most {max} characters; this one has {value.Length}."));
        return null;
    }

    public int Int(string field, string? value, int fallback, int min, int max)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }

        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max)
        {
            return parsed;
        }

        Add(field, $"{field} must be a whole number from {min} to {max}.");
        return fallback;
    }

    private static string Clip(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        // Never cut between the halves of a surrogate pair: a lone half cannot be written as JSON.
        var keep = char.IsHighSurrogate(text[max - 2]) ? max - 2 : max - 1;
        return string.Concat(text.AsSpan(0, keep), "…");
    }
}
