namespace ReferralStudio.Links;

/// <summary>A built link, or the input field at fault (for example "account") and why, for a human.</summary>
public sealed record LinkResult(string? Url, string? Error, string? Field)
{
    public bool IsValid => Error is null;

    public static LinkResult Ok(string url) => new(url, null, null);

    public static LinkResult Invalid(string field, string error) => new(null, error, field);
}

/// <summary>One input field at fault and a reason a person can act on.</summary>
public sealed record FieldError(string Field, string Reason);
