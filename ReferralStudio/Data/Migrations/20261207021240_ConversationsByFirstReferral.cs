using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class ConversationsByFirstReferral : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Conversations_FirstReferralAt_FirstReferralId",
                table: "Conversations",
                columns: new[] { "FirstReferralAt", "FirstReferralId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Conversations_FirstReferralAt_FirstReferralId",
                table: "Conversations");
        }
    }
}
