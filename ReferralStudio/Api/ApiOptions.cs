namespace ReferralStudio.Api;

/// <summary>REST API settings (section <c>Api</c>; environment: <c>Api__Key</c>).</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>The bearer token every <c>/api</c> call must present. Required outside Development.</summary>
    public string Key { get; set; } = "";
}
