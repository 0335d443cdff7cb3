using Microsoft.Data.Sqlite;
using ReferralStudio.Referrals;
using ReferralStudio.Storage;
using ReferralStudio.Storage.Sqlite;

namespace ReferralStudio.Tests.Attribution;

/// <summary>The hot path's SQL names, binds and reads every platform extra, each in its own column.</summary>
public sealed class ReferralDetailsColumnsTests
{
    private static readonly string[] Properties = [.. typeof(ReferralDetails).GetProperties().Where(p => p.CanWrite).Select(p => p.Name)];

    [Fact]
    public void Every_Extra_Has_A_Column_Named_After_It()
    {
        Assert.Equal(Properties.Order(), ReferralDetailsColumns.Names.Split(", ").Order());
        Assert.Equal(Properties.Order(), ReferralDetailsColumns.Parameters.Select(p => p.TrimStart('$')).Order());
    }

    [Fact]
    public void What_Is_Bound_Is_Read_Back_Into_The_Same_Extra()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        var columns = ReferralDetailsColumns.Names.Split(", ");
        using (var create = connection.CreateCommand())
        {
            create.CommandText = $"CREATE TABLE Touches ({ReferralDetailsColumns.Names})";
            create.ExecuteNonQuery();
        }

        var details = new ReferralDetails();
        foreach (var property in typeof(ReferralDetails).GetProperties().Where(p => p.CanWrite))
        {
            property.SetValue(details, "value of " + property.Name);
        }

        using (var insert = new PreparedStatement(connection,
            $"INSERT INTO Touches ({ReferralDetailsColumns.Names}) VALUES ({string.Join(", ", ReferralDetailsColumns.Parameters)})",
            ReferralDetailsColumns.Parameters))
        {
            ReferralDetailsColumns.Bind(insert, 1, details);
            insert.Execute();
        }

        using var select = new PreparedStatement(connection, $"SELECT 'ignored', {ReferralDetailsColumns.Names} FROM Touches");
        Assert.True(select.Step());
        var read = ReferralDetailsColumns.Read(select, 1);
        select.Reset();

        Assert.Equal(details, read);
        Assert.All(columns, c => Assert.Equal("value of " + c, typeof(ReferralDetails).GetProperty(c)!.GetValue(read)));
    }
}
