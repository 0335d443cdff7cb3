namespace ReferralStudio.Api;

/// <summary>REST API settings (section <c>Api</c>; environment: <c>Api__Key</c>).</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>The bearer token every <c>/api</c> call must present. Required outside Development.</summary>
    public string Key { get; set; } = "";

    /// <summary>
    /// Serve <c>/openapi/v1.json</c> without the key. Off by default: the document maps every operation, field and
    /// limit of the API for whoever asks.
    /// </summary>
    public bool PublicOpenApi { get; set; }
}
