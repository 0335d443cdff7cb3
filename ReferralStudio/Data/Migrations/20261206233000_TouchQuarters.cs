using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class TouchQuarters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_TriggerFirings_TriggerId_FiredAt",
                table: "TriggerFirings");

            // WITHOUT ROWID (EF Core cannot say it): rows are stored in key order, so a range of days reads one range.
            migrationBuilder.Sql(@"
                CREATE TABLE ""TouchQuarters"" (
                    ""Start"" INTEGER NOT NULL,
                    ""TriggerId"" INTEGER NOT NULL,
                    ""Touches"" INTEGER NOT NULL,
                    CONSTRAINT ""PK_TouchQuarters"" PRIMARY KEY (""Start"", ""TriggerId"")
                ) WITHOUT ROWID;");

            // Backfill from the touches already there: a frozen copy of the TouchQuarters part of CampaignRollup.RebuildSql.
            migrationBuilder.Sql(@"
                INSERT INTO TouchQuarters (Start, TriggerId, Touches)
                SELECT (OccurredAt - (((OccurredAt % 900000) + 900000) % 900000)) AS Start, COALESCE(TriggerId, 0) AS TriggerId, COUNT(*) AS Touches
                FROM ReferralTouches WHERE IsCampaignTouch = 1
                GROUP BY 1, 2;");

            migrationBuilder.CreateIndex(
                name: "IX_TriggerFirings_TriggerId_ConversationId",
                table: "TriggerFirings",
                columns: new[] { "TriggerId", "ConversationId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TouchQuarters");

            migrationBuilder.DropIndex(
                name: "IX_TriggerFirings_TriggerId_ConversationId",
                table: "TriggerFirings");

            migrationBuilder.CreateIndex(
                name: "IX_TriggerFirings_TriggerId_FiredAt",
                table: "TriggerFirings",
                columns: new[] { "TriggerId", "FiredAt" });
        }
    }
}
