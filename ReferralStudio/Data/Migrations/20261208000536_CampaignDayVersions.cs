using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class CampaignDayVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CampaignDayVersions",
                columns: table => new
                {
                    Start = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CampaignDayVersions", x => x.Start);
                });

            // Every day that already has rollup rows starts at version 1 (what CampaignRollup.ChangeAllDaysSql adds).
            migrationBuilder.Sql("INSERT INTO CampaignDayVersions (Start, Version) SELECT DISTINCT Start, 1 FROM CampaignDays;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CampaignDayVersions");
        }
    }
}
