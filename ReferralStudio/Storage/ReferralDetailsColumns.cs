using ReferralStudio.Referrals;

namespace ReferralStudio.Storage;

/// <summary>
/// The hot path's SQL for <see cref="ReferralDetails"/>: its columns, named after its properties (as the EF Core
/// model maps them), bound and read in one order, after the statement's other parameters or columns.
/// </summary>
internal static class ReferralDetailsColumns
{
    private static readonly (string Name, Func<ReferralDetails, string?> Get, Func<ReferralDetails, string, ReferralDetails> With)[] Columns =
    [
        (nameof(ReferralDetails.AdsContextData), static d => d.AdsContextData, static (d, v) => d with { AdsContextData = v }),
        (nameof(ReferralDetails.CtwaClid), static d => d.CtwaClid, static (d, v) => d with { CtwaClid = v }),
        (nameof(ReferralDetails.SourceId), static d => d.SourceId, static (d, v) => d with { SourceId = v }),
        (nameof(ReferralDetails.SourceType), static d => d.SourceType, static (d, v) => d with { SourceType = v }),
        (nameof(ReferralDetails.SourceUrl), static d => d.SourceUrl, static (d, v) => d with { SourceUrl = v }),
        (nameof(ReferralDetails.Headline), static d => d.Headline, static (d, v) => d with { Headline = v }),
        (nameof(ReferralDetails.Body), static d => d.Body, static (d, v) => d with { Body = v }),
        (nameof(ReferralDetails.MediaType), static d => d.MediaType, static (d, v) => d with { MediaType = v }),
        (nameof(ReferralDetails.ImageUrl), static d => d.ImageUrl, static (d, v) => d with { ImageUrl = v }),
        (nameof(ReferralDetails.VideoUrl), static d => d.VideoUrl, static (d, v) => d with { VideoUrl = v }),
        (nameof(ReferralDetails.ThumbnailUrl), static d => d.ThumbnailUrl, static (d, v) => d with { ThumbnailUrl = v }),
        (nameof(ReferralDetails.RefererUri), static d => d.RefererUri, static (d, v) => d with { RefererUri = v }),
        (nameof(ReferralDetails.ProductId), static d => d.ProductId, static (d, v) => d with { ProductId = v }),
        (nameof(ReferralDetails.Payload), static d => d.Payload, static (d, v) => d with { Payload = v }),
    ];

    /// <summary>The column names, for a statement's column list.</summary>
    public static string Names { get; } = string.Join(", ", Columns.Select(c => c.Name));

    /// <summary>The parameter names in the same order (<c>$AdsContextData</c>, ...), for VALUES and the statement's checks.</summary>
    public static string[] Parameters { get; } = [.. Columns.Select(c => "$" + c.Name)];

    public static void Bind(IStatement statement, int first, ReferralDetails details)
    {
        for (var i = 0; i < Columns.Length; i++)
        {
            statement.Bind(first + i, Columns[i].Get(details));
        }
    }

    /// <summary>The extras of the current row, whose columns from <paramref name="first"/> (0-based) are <see cref="Names"/>.</summary>
    public static ReferralDetails Read(IStatement row, int first)
    {
        // Off the hot path (an earlier touch, read once per conversation): a copy per extra present is fine.
        var details = new ReferralDetails();
        for (var i = 0; i < Columns.Length; i++)
        {
            if (row.GetString(first + i) is { } value)
            {
                details = Columns[i].With(details, value);
            }
        }

        return details;
    }
}
