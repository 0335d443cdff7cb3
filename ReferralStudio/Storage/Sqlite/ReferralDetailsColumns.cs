using ReferralStudio.Referrals;

namespace ReferralStudio.Storage.Sqlite;

/// <summary>
/// The hot path's SQL for <see cref="ReferralDetails"/>: its columns, named after its properties (as the EF Core
/// model maps them), bound and read in one order, after the statement's other parameters or columns.
/// </summary>
internal static class ReferralDetailsColumns
{
    private static readonly (string Name, Func<ReferralDetails, string?> Value)[] Columns =
    [
        (nameof(ReferralDetails.AdsContextData), static d => d.AdsContextData),
        (nameof(ReferralDetails.CtwaClid), static d => d.CtwaClid),
        (nameof(ReferralDetails.SourceId), static d => d.SourceId),
        (nameof(ReferralDetails.SourceType), static d => d.SourceType),
        (nameof(ReferralDetails.SourceUrl), static d => d.SourceUrl),
        (nameof(ReferralDetails.Headline), static d => d.Headline),
        (nameof(ReferralDetails.Body), static d => d.Body),
        (nameof(ReferralDetails.MediaType), static d => d.MediaType),
        (nameof(ReferralDetails.ImageUrl), static d => d.ImageUrl),
        (nameof(ReferralDetails.VideoUrl), static d => d.VideoUrl),
        (nameof(ReferralDetails.ThumbnailUrl), static d => d.ThumbnailUrl),
        (nameof(ReferralDetails.RefererUri), static d => d.RefererUri),
        (nameof(ReferralDetails.ProductId), static d => d.ProductId),
        (nameof(ReferralDetails.Payload), static d => d.Payload),
    ];

    /// <summary>The column names, for a statement's column list.</summary>
    public static string Names { get; } = string.Join(", ", Columns.Select(c => c.Name));

    /// <summary>The parameter names in the same order (<c>$AdsContextData</c>, ...), for VALUES and the statement's checks.</summary>
    public static string[] Parameters { get; } = [.. Columns.Select(c => "$" + c.Name)];

    public static void Bind(PreparedStatement statement, int first, ReferralDetails details)
    {
        for (var i = 0; i < Columns.Length; i++)
        {
            statement.Bind(first + i, Columns[i].Value(details));
        }
    }

    /// <summary>The extras of the current row, whose columns from <paramref name="first"/> (0-based) are <see cref="Names"/>.</summary>
    public static ReferralDetails Read(PreparedStatement row, int first) => new()
    {
        AdsContextData = row.GetString(first),
        CtwaClid = row.GetString(first + 1),
        SourceId = row.GetString(first + 2),
        SourceType = row.GetString(first + 3),
        SourceUrl = row.GetString(first + 4),
        Headline = row.GetString(first + 5),
        Body = row.GetString(first + 6),
        MediaType = row.GetString(first + 7),
        ImageUrl = row.GetString(first + 8),
        VideoUrl = row.GetString(first + 9),
        ThumbnailUrl = row.GetString(first + 10),
        RefererUri = row.GetString(first + 11),
        ProductId = row.GetString(first + 12),
        Payload = row.GetString(first + 13),
    };
}
