using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class TeamSignInRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "teamsettings",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    requiretwostep = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_teamsettings", x => x.id);
                });

            migrationBuilder.InsertData(
                table: "teamsettings",
                columns: new[] { "id", "requiretwostep" },
                values: new object[] { 1, false });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "teamsettings");
        }
    }
}
