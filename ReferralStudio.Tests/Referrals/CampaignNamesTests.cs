using Microsoft.Data.Sqlite;
using ReferralStudio.Referrals;

namespace ReferralStudio.Tests.Referrals;

/// <summary>The board, the hub and the overview name a campaign alike, whether the rule runs in C# or in SQL.</summary>
public sealed class CampaignNamesTests
{
    [Theory]
    [InlineData("Summer sale", "summer_aff1", "120210000000002", "Summer sale")]
    [InlineData(null, "summer_aff1", "120210000000002", "summer_aff1")]
    [InlineData(null, null, "120210000000002", "ad 120210000000002")]
    [InlineData(null, null, null, "(none)")]
    public void Trigger_Then_Code_Then_Ad_Then_None(string? trigger, string? code, string? adId, string expected)
    {
        Assert.Equal(expected, CampaignNames.Of(trigger, code, adId));

        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {CampaignNames.Sql("$trigger", "$ref", "$ad")}";
        command.Parameters.AddWithValue("$trigger", (object?)trigger ?? DBNull.Value);
        command.Parameters.AddWithValue("$ref", (object?)code ?? DBNull.Value);
        command.Parameters.AddWithValue("$ad", (object?)adId ?? DBNull.Value);
        Assert.Equal(expected, command.ExecuteScalar());
    }
}
