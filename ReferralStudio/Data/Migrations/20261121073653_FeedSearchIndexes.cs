using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Data.Migrations
{
    public partial class FeedSearchIndexes : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_ReferralTouches_AccountId_OccurredAt",
                table: "ReferralTouches",
                columns: new[] { "AccountId", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ReferralTouches_AdId_OccurredAt",
                table: "ReferralTouches",
                columns: new[] { "AdId", "OccurredAt" });
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ReferralTouches_AccountId_OccurredAt",
                table: "ReferralTouches");

            migrationBuilder.DropIndex(
                name: "IX_ReferralTouches_AdId_OccurredAt",
                table: "ReferralTouches");
        }
    }
}
