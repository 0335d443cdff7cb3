using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Data.Migrations
{
    public partial class CampaignRollup : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // WITHOUT ROWID (EF Core cannot say it): rows are stored in key order, so a report reads one range.
            migrationBuilder.Sql(@"
                CREATE TABLE ""CampaignDays"" (
                    ""Model"" INTEGER NOT NULL,
                    ""Start"" INTEGER NOT NULL,
                    ""KeyId"" INTEGER NOT NULL,
                    ""Conversations"" INTEGER NOT NULL,
                    ""Converted"" INTEGER NOT NULL,
                    ""Conversions"" INTEGER NOT NULL,
                    ""Value"" REAL NOT NULL,
                    CONSTRAINT ""PK_CampaignDays"" PRIMARY KEY (""Model"", ""Start"", ""KeyId"")
                ) WITHOUT ROWID;");

            // WITHOUT ROWID (EF Core cannot say it): rows are stored in key order, so a report reads one range.
            migrationBuilder.Sql(@"
                CREATE TABLE ""CampaignHours"" (
                    ""Model"" INTEGER NOT NULL,
                    ""Start"" INTEGER NOT NULL,
                    ""KeyId"" INTEGER NOT NULL,
                    ""Conversations"" INTEGER NOT NULL,
                    ""Converted"" INTEGER NOT NULL,
                    ""Conversions"" INTEGER NOT NULL,
                    ""Value"" REAL NOT NULL,
                    CONSTRAINT ""PK_CampaignHours"" PRIMARY KEY (""Model"", ""Start"", ""KeyId"")
                ) WITHOUT ROWID;");

            migrationBuilder.CreateTable(
                name: "CampaignKeys",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TriggerId = table.Column<long>(type: "INTEGER", nullable: true),
                    Ref = table.Column<string>(type: "TEXT", nullable: true, collation: "NOCASE"),
                    AdId = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CampaignKeys", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CampaignKeys_TriggerId_Ref_AdId",
                table: "CampaignKeys",
                columns: new[] { "TriggerId", "Ref", "AdId" },
                unique: true);

            // Backfill from the data already there: a frozen copy of CampaignRollup.RebuildSql as of this migration.
            migrationBuilder.Sql(@"
                WITH credited (TouchId) AS (
                    SELECT FirstReferralId FROM Conversations WHERE FirstReferralId IS NOT NULL
                    UNION SELECT LatestReferralId FROM Conversations WHERE LatestReferralId IS NOT NULL
                    UNION SELECT FirstTouchId FROM Conversions WHERE FirstTouchId IS NOT NULL
                    UNION SELECT LastTouchId FROM Conversions WHERE LastTouchId IS NOT NULL)
                INSERT INTO CampaignKeys (TriggerId, Ref, AdId)
                SELECT DISTINCT t.TriggerId, t.Ref, t.AdId
                FROM credited c JOIN ReferralTouches t ON t.Id = c.TouchId
                WHERE NOT EXISTS (SELECT 1 FROM CampaignKeys k WHERE k.TriggerId IS t.TriggerId AND k.Ref IS t.Ref AND k.AdId IS t.AdId);
                DELETE FROM CampaignHours;
                DELETE FROM CampaignDays;
                INSERT INTO CampaignHours (Model, Start, KeyId, Conversations, Converted, Conversions, Value)
                SELECT g.Model, g.Start, k.Id AS KeyId, g.Conversations, g.Converted, g.Conversions, g.Value
                FROM (SELECT Model, Start, TriggerId, Ref, AdId, SUM(Conversations) AS Conversations, SUM(Converted) AS Converted,
                             SUM(Conversions) AS Conversions, SUM(Value) AS Value
                      FROM (SELECT 0 AS Model, (t.OccurredAt - (((t.OccurredAt % 3600000) + 3600000) % 3600000)) AS Start, t.TriggerId, t.Ref, t.AdId,
                       1 AS Conversations, EXISTS (SELECT 1 FROM Conversions x WHERE x.FirstTouchId = t.Id) AS Converted,
                       0 AS Conversions, 0.0 AS Value
                FROM Conversations c JOIN ReferralTouches t ON t.Id = c.FirstReferralId 
                UNION ALL
                SELECT 0, (v.OccurredAt - (((v.OccurredAt % 3600000) + 3600000) % 3600000)), t.TriggerId, t.Ref, t.AdId, 0, 0, 1, COALESCE(v.Value, 0.0)
                FROM Conversions v JOIN ReferralTouches t ON t.Id = v.FirstTouchId 
                UNION ALL
                SELECT 1 AS Model, (t.OccurredAt - (((t.OccurredAt % 3600000) + 3600000) % 3600000)) AS Start, t.TriggerId, t.Ref, t.AdId,
                       1 AS Conversations, EXISTS (SELECT 1 FROM Conversions x WHERE x.LastTouchId = t.Id) AS Converted,
                       0 AS Conversions, 0.0 AS Value
                FROM Conversations c JOIN ReferralTouches t ON t.Id = c.LatestReferralId 
                UNION ALL
                SELECT 1, (v.OccurredAt - (((v.OccurredAt % 3600000) + 3600000) % 3600000)), t.TriggerId, t.Ref, t.AdId, 0, 0, 1, COALESCE(v.Value, 0.0)
                FROM Conversions v JOIN ReferralTouches t ON t.Id = v.LastTouchId )
                      GROUP BY Model, Start, TriggerId, Ref, AdId) g
                JOIN CampaignKeys k ON k.TriggerId IS g.TriggerId AND k.Ref IS g.Ref AND k.AdId IS g.AdId;
                INSERT INTO CampaignDays (Model, Start, KeyId, Conversations, Converted, Conversions, Value)
                SELECT Model, (Start - (((Start % 86400000) + 86400000) % 86400000)), KeyId, SUM(Conversations), SUM(Converted), SUM(Conversions), SUM(Value)
                FROM CampaignHours GROUP BY Model, (Start - (((Start % 86400000) + 86400000) % 86400000)), KeyId;");
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CampaignDays");

            migrationBuilder.DropTable(
                name: "CampaignHours");

            migrationBuilder.DropTable(
                name: "CampaignKeys");
        }
    }
}
