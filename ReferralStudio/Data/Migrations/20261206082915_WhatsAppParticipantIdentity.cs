using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Data.Migrations
{
    public partial class WhatsAppParticipantIdentity : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ParticipantParentUserId",
                table: "Conversations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ParticipantPhone",
                table: "Conversations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ParticipantUserId",
                table: "Conversations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ParticipantUsername",
                table: "Conversations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "IdentityEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ConversationId = table.Column<long>(type: "INTEGER", nullable: false),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", nullable: false),
                    Detail = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdentityEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_IdentityEvents_Conversations_ConversationId",
                        column: x => x.ConversationId,
                        principalTable: "Conversations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ParticipantAliases",
                columns: table => new
                {
                    Alias = table.Column<string>(type: "TEXT", nullable: false),
                    Platform = table.Column<string>(type: "TEXT", nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", nullable: false),
                    ConversationId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ParticipantAliases", x => new { x.Alias, x.Platform, x.AccountId });
                    table.ForeignKey(
                        name: "FK_ParticipantAliases_Conversations_ConversationId",
                        column: x => x.ConversationId,
                        principalTable: "Conversations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_IdentityEvents_ConversationId",
                table: "IdentityEvents",
                column: "ConversationId");

            migrationBuilder.CreateIndex(
                name: "IX_ParticipantAliases_ConversationId",
                table: "ParticipantAliases",
                column: "ConversationId");

            // Until now every WhatsApp participant was keyed by the phone number: each conversation keeps its key
            // and learns it is the phone, so later BSUID-only messages find the same conversation.
            migrationBuilder.Sql("UPDATE Conversations SET ParticipantPhone = ParticipantId WHERE Platform = 'whatsapp';");
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "IdentityEvents");

            migrationBuilder.DropTable(
                name: "ParticipantAliases");

            migrationBuilder.DropColumn(
                name: "ParticipantParentUserId",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "ParticipantPhone",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "ParticipantUserId",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "ParticipantUsername",
                table: "Conversations");
        }
    }
}
