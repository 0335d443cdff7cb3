using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Data.Migrations
{
    public partial class FeedColumnsAndSimulation : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ReferralTouches_Ref",
                table: "ReferralTouches");

            migrationBuilder.DropIndex(
                name: "IX_ReferralTouches_TriggerId",
                table: "ReferralTouches");

            migrationBuilder.AddColumn<string>(
                name: "AccountId",
                table: "ReferralTouches",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ParticipantId",
                table: "ReferralTouches",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Platform",
                table: "ReferralTouches",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "Simulated",
                table: "ReferralTouches",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "Simulated",
                table: "InboundDeliveries",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "Simulated",
                table: "Conversations",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            // Touches recorded before these columns existed take them from their conversation.
            migrationBuilder.Sql(@"UPDATE ReferralTouches SET
                Platform = (SELECT c.Platform FROM Conversations c WHERE c.Id = ReferralTouches.ConversationId),
                AccountId = (SELECT c.AccountId FROM Conversations c WHERE c.Id = ReferralTouches.ConversationId),
                ParticipantId = (SELECT c.ParticipantId FROM Conversations c WHERE c.Id = ReferralTouches.ConversationId)");

            migrationBuilder.CreateIndex(
                name: "IX_ReferralTouches_ParticipantId_OccurredAt",
                table: "ReferralTouches",
                columns: new[] { "ParticipantId", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ReferralTouches_Platform_OccurredAt",
                table: "ReferralTouches",
                columns: new[] { "Platform", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ReferralTouches_Ref_OccurredAt",
                table: "ReferralTouches",
                columns: new[] { "Ref", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ReferralTouches_TriggerId_OccurredAt",
                table: "ReferralTouches",
                columns: new[] { "TriggerId", "OccurredAt" });
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ReferralTouches_ParticipantId_OccurredAt",
                table: "ReferralTouches");

            migrationBuilder.DropIndex(
                name: "IX_ReferralTouches_Platform_OccurredAt",
                table: "ReferralTouches");

            migrationBuilder.DropIndex(
                name: "IX_ReferralTouches_Ref_OccurredAt",
                table: "ReferralTouches");

            migrationBuilder.DropIndex(
                name: "IX_ReferralTouches_TriggerId_OccurredAt",
                table: "ReferralTouches");

            migrationBuilder.DropColumn(
                name: "AccountId",
                table: "ReferralTouches");

            migrationBuilder.DropColumn(
                name: "ParticipantId",
                table: "ReferralTouches");

            migrationBuilder.DropColumn(
                name: "Platform",
                table: "ReferralTouches");

            migrationBuilder.DropColumn(
                name: "Simulated",
                table: "ReferralTouches");

            migrationBuilder.DropColumn(
                name: "Simulated",
                table: "InboundDeliveries");

            migrationBuilder.DropColumn(
                name: "Simulated",
                table: "Conversations");

            migrationBuilder.CreateIndex(
                name: "IX_ReferralTouches_Ref",
                table: "ReferralTouches",
                column: "Ref");

            migrationBuilder.CreateIndex(
                name: "IX_ReferralTouches_TriggerId",
                table: "ReferralTouches",
                column: "TriggerId");
        }
    }
}
