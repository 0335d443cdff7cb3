using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class TeamSignInRules : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "TeamSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    RequireTwoStep = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TeamSettings", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "TeamSettings",
                columns: new[] { "Id", "RequireTwoStep" },
                values: new object[] { 1, false });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TeamSettings");
        }
    }
}
