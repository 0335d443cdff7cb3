using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class DemoMarkers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "IsDemo",
                table: "Triggers",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "IsDemo",
                table: "BusinessAccounts",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            // Demo data loaded before the marker existed. Its accounts are the loader's fixed ids; its triggers
            // are the ones with a demo trigger's name created within a minute after those accounts (the loader
            // made both in one go). A user's trigger of the same name made at another time stays theirs.
            // A frozen copy of the demo's names and ids at this migration.
            migrationBuilder.Sql("""
                UPDATE BusinessAccounts SET IsDemo = 1
                WHERE AccountId IN ('demo-ig-1784140000', 'demo-page-1065403', 'demo-wa-1065403529');
                UPDATE Triggers SET IsDemo = 1
                WHERE Name IN ('Summer sale', 'Black Friday', 'Berlin store QR', 'November newsletter', 'Affiliates', 'TikTok')
                  AND EXISTS (SELECT 1 FROM BusinessAccounts a
                              WHERE a.IsDemo = 1 AND Triggers.CreatedAt BETWEEN a.CreatedAt AND a.CreatedAt + 60000);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "IsDemo",
                table: "Triggers");

            migrationBuilder.DropColumn(
                name: "IsDemo",
                table: "BusinessAccounts");
        }
    }
}
