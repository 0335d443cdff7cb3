using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class MetaConversions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ConversionsDatasetId",
                table: "BusinessAccounts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ConversionsToken",
                table: "BusinessAccounts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WhatsAppBusinessAccountId",
                table: "BusinessAccounts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "MetaConversionAttempts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    MetaConversionEventId = table.Column<long>(type: "INTEGER", nullable: false),
                    ConversationId = table.Column<long>(type: "INTEGER", nullable: false),
                    AttemptedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    StatusCode = table.Column<int>(type: "INTEGER", nullable: true),
                    Error = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MetaConversionAttempts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MetaConversionEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ConversionId = table.Column<long>(type: "INTEGER", nullable: false),
                    ConversationId = table.Column<long>(type: "INTEGER", nullable: false),
                    Platform = table.Column<string>(type: "TEXT", nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", nullable: false),
                    EventName = table.Column<string>(type: "TEXT", nullable: false),
                    EventId = table.Column<string>(type: "TEXT", nullable: false),
                    Payload = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastStatusCode = table.Column<int>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MetaConversionEvents", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_MetaConversionAttempts_ConversationId",
                table: "MetaConversionAttempts",
                column: "ConversationId");

            migrationBuilder.CreateIndex(
                name: "IX_MetaConversionAttempts_MetaConversionEventId",
                table: "MetaConversionAttempts",
                column: "MetaConversionEventId");

            migrationBuilder.CreateIndex(
                name: "IX_MetaConversionEvents_ConversationId",
                table: "MetaConversionEvents",
                column: "ConversationId");

            migrationBuilder.CreateIndex(
                name: "IX_MetaConversionEvents_ConversionId",
                table: "MetaConversionEvents",
                column: "ConversionId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MetaConversionEvents_Due",
                table: "MetaConversionEvents",
                column: "NextAttemptAt",
                filter: "Status = 0");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MetaConversionAttempts");

            migrationBuilder.DropTable(
                name: "MetaConversionEvents");

            migrationBuilder.DropColumn(
                name: "ConversionsDatasetId",
                table: "BusinessAccounts");

            migrationBuilder.DropColumn(
                name: "ConversionsToken",
                table: "BusinessAccounts");

            migrationBuilder.DropColumn(
                name: "WhatsAppBusinessAccountId",
                table: "BusinessAccounts");
        }
    }
}
