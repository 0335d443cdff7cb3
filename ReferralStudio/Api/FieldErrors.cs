using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using ReferralStudio.Platforms;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Api;

/// <summary>Collects input errors so one 400 names every bad field with its reason.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, string[]> _errors = [];

    public bool Any => _errors.Count > 0;

    public IReadOnlyDictionary<string, string[]> All => _errors;

    /// <summary>The first reason for a field, for a message next to it in the UI.</summary>
    public string? For(string field) => _errors.TryGetValue(field, out var reasons) ? reasons[0] : null;

    public void Add(string field, string reason)
    {
        if (_errors.TryGetValue(field, out var existing))
        {
            _errors[field] = [.. existing, reason];
        }
        else
        {
            _errors[field] = [reason];
        }
    }

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

    public ValidationProblem Problem() => TypedResults.ValidationProblem(_errors, title: "Invalid input");

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
}
