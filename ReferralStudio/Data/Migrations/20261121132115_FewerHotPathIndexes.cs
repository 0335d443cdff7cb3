using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Data.Migrations
{
    public partial class FewerHotPathIndexes : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_WebhookEvents_DeliveryId",
                table: "WebhookEvents");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_ParticipantId",
                table: "Conversations");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_Platform_AccountId_ParticipantId",
                table: "Conversations");

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_ParticipantId_Platform_AccountId",
                table: "Conversations",
                columns: new[] { "ParticipantId", "Platform", "AccountId" },
                unique: true);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Conversations_ParticipantId_Platform_AccountId",
                table: "Conversations");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookEvents_DeliveryId",
                table: "WebhookEvents",
                column: "DeliveryId");

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_ParticipantId",
                table: "Conversations",
                column: "ParticipantId");

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_Platform_AccountId_ParticipantId",
                table: "Conversations",
                columns: new[] { "Platform", "AccountId", "ParticipantId" },
                unique: true);
        }
    }
}
