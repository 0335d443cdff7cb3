using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class CampaignDayVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "campaigndayversions",
                columns: table => new
                {
                    start = table.Column<long>(type: "bigint", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_campaigndayversions", x => x.start);
                });

            // Every day that already has rollup rows starts at version 1 (what CampaignRollup.ChangeAllDaysSql adds).
            migrationBuilder.Sql("INSERT INTO CampaignDayVersions (Start, Version) SELECT DISTINCT Start, 1 FROM CampaignDays;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "campaigndayversions");
        }
    }
}
