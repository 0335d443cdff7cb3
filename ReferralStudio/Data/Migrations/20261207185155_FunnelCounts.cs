using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class FunnelCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_LinkScanDays",
                table: "LinkScanDays");

            migrationBuilder.AddColumn<string>(
                name: "Code",
                table: "LinkScanDays",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "Touches",
                table: "CampaignHours",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "Touches",
                table: "CampaignDays",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddPrimaryKey(
                name: "PK_LinkScanDays",
                table: "LinkScanDays",
                columns: new[] { "LinkId", "Day", "Platform", "Code", "Device" });

            migrationBuilder.CreateIndex(
                name: "IX_LinkScanDays_Day",
                table: "LinkScanDays",
                column: "Day");

            // Frozen copies of what the app then keeps up: each scan day counted for the code its link led to by the end
            // of that (UTC) day, and every campaign touch without an ad counted at its hour, day and key under both models.
            migrationBuilder.Sql("""
                UPDATE LinkScanDays SET Code = COALESCE(
                    (SELECT t.Code FROM TrackableLinkTargets t
                     WHERE t.LinkId = LinkScanDays.LinkId AND t.ChangedAt < (unixepoch(LinkScanDays.Day) + 86400) * 1000
                     ORDER BY t.ChangedAt DESC LIMIT 1),
                    (SELECT l.Code FROM TrackableLinks l WHERE l.Id = LinkScanDays.LinkId));
                INSERT INTO CampaignKeys (TriggerId, Ref, AdId)
                SELECT DISTINCT t.TriggerId, t.Ref, t.AdId FROM ReferralTouches t
                WHERE t.IsCampaignTouch = 1 AND t.AdId IS NULL
                  AND NOT EXISTS (SELECT 1 FROM CampaignKeys k WHERE k.TriggerId IS t.TriggerId AND k.Ref IS t.Ref AND k.AdId IS t.AdId);
                INSERT INTO CampaignHours (Model, Start, KeyId, Conversations, Converted, Conversions, Value, Touches)
                SELECT m.Model, g.Start, k.Id, 0, 0, 0, 0.0, g.Touches
                FROM (SELECT (OccurredAt - (((OccurredAt % 3600000) + 3600000) % 3600000)) AS Start, TriggerId, Ref, AdId, COUNT(*) AS Touches
                      FROM ReferralTouches WHERE IsCampaignTouch = 1 AND AdId IS NULL GROUP BY 1, TriggerId, Ref, AdId) g
                JOIN CampaignKeys k ON k.TriggerId IS g.TriggerId AND k.Ref IS g.Ref AND k.AdId IS g.AdId
                CROSS JOIN (SELECT 0 AS Model UNION ALL SELECT 1) m
                WHERE true
                ON CONFLICT (Model, Start, KeyId) DO UPDATE SET Touches = excluded.Touches;
                INSERT INTO CampaignDays (Model, Start, KeyId, Conversations, Converted, Conversions, Value, Touches)
                SELECT Model, (Start - (((Start % 86400000) + 86400000) % 86400000)), KeyId, 0, 0, 0, 0.0, SUM(Touches)
                FROM CampaignHours WHERE Touches > 0 GROUP BY Model, (Start - (((Start % 86400000) + 86400000) % 86400000)), KeyId
                ON CONFLICT (Model, Start, KeyId) DO UPDATE SET Touches = excluded.Touches;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // By hand: EF's SQLite table rebuild refuses this key change going down, and an EF rebuild of the rollup's
            // tables would lose their WITHOUT ROWID. A scan day's codes sum into the day again.
            migrationBuilder.Sql("""
                DROP INDEX IX_LinkScanDays_Day;
                CREATE TABLE ef_temp_LinkScanDays (
                    LinkId INTEGER NOT NULL, Day TEXT NOT NULL, Platform TEXT NOT NULL, Device TEXT NOT NULL, Scans INTEGER NOT NULL,
                    CONSTRAINT PK_LinkScanDays PRIMARY KEY (LinkId, Day, Platform, Device),
                    CONSTRAINT FK_LinkScanDays_TrackableLinks_LinkId FOREIGN KEY (LinkId) REFERENCES TrackableLinks (Id) ON DELETE CASCADE);
                INSERT INTO ef_temp_LinkScanDays (LinkId, Day, Platform, Device, Scans)
                SELECT LinkId, Day, Platform, Device, SUM(Scans) FROM LinkScanDays GROUP BY LinkId, Day, Platform, Device;
                DROP TABLE LinkScanDays;
                ALTER TABLE ef_temp_LinkScanDays RENAME TO LinkScanDays;
                ALTER TABLE CampaignHours DROP COLUMN Touches;
                ALTER TABLE CampaignDays DROP COLUMN Touches;
                """);
        }
    }
}
