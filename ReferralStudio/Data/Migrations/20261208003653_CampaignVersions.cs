using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class CampaignVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CampaignVersions",
                columns: table => new
                {
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    Start = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CampaignVersions", x => new { x.Size, x.Start });
                });

            // Every bucket that already has rollup rows starts at version 1 (as CampaignRollup.ChangeAllBucketsSql adds them).
            migrationBuilder.Sql("""
                INSERT INTO CampaignVersions (Size, Start, Version) SELECT DISTINCT 3600000, Start, 1 FROM CampaignHours;
                INSERT INTO CampaignVersions (Size, Start, Version) SELECT DISTINCT 86400000, Start, 1 FROM CampaignDays;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CampaignVersions");
        }
    }
}
