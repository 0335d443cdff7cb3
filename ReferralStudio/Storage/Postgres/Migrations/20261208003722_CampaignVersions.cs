using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class CampaignVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "campaignversions",
                columns: table => new
                {
                    size = table.Column<long>(type: "bigint", nullable: false),
                    start = table.Column<long>(type: "bigint", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_campaignversions", x => new { x.size, x.start });
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
                name: "campaignversions");
        }
    }
}
