using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Data.Migrations
{
    public partial class InitialSchema : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "InboundDeliveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    ObjectType = table.Column<string>(type: "TEXT", nullable: true),
                    Body = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: true),
                    ProcessedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    EventCount = table.Column<int>(type: "INTEGER", nullable: false),
                    DuplicateCount = table.Column<int>(type: "INTEGER", nullable: false),
                    RejectedEventCount = table.Column<int>(type: "INTEGER", nullable: false),
                    IgnoredEventCount = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboundDeliveries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WebhookEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DeliveryId = table.Column<long>(type: "INTEGER", nullable: false),
                    DedupKey = table.Column<string>(type: "TEXT", nullable: true),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: true),
                    Platform = table.Column<string>(type: "TEXT", nullable: true),
                    Kind = table.Column<string>(type: "TEXT", nullable: true),
                    Passive = table.Column<bool>(type: "INTEGER", nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", nullable: true),
                    ParticipantId = table.Column<string>(type: "TEXT", nullable: true),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", nullable: true),
                    Text = table.Column<string>(type: "TEXT", nullable: true),
                    Ref = table.Column<string>(type: "TEXT", nullable: true),
                    RefRejection = table.Column<string>(type: "TEXT", nullable: true),
                    RawJson = table.Column<string>(type: "TEXT", nullable: true),
                    ConversationId = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookEvents", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Conversations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Platform = table.Column<string>(type: "TEXT", nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", nullable: false),
                    ParticipantId = table.Column<string>(type: "TEXT", nullable: false),
                    ParticipantName = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastActivityAt = table.Column<long>(type: "INTEGER", nullable: false),
                    WindowExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FirstReferralId = table.Column<long>(type: "INTEGER", nullable: true),
                    FirstReferralAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LatestReferralId = table.Column<long>(type: "INTEGER", nullable: true),
                    LastReferralAt = table.Column<long>(type: "INTEGER", nullable: true),
                    MessageCount = table.Column<int>(type: "INTEGER", nullable: false),
                    HasInboundText = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Conversations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ReferralTouches",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ConversationId = table.Column<long>(type: "INTEGER", nullable: false),
                    EventId = table.Column<long>(type: "INTEGER", nullable: false),
                    Ref = table.Column<string>(type: "TEXT", nullable: true, collation: "NOCASE"),
                    Source = table.Column<string>(type: "TEXT", nullable: true),
                    Type = table.Column<string>(type: "TEXT", nullable: true),
                    Arrival = table.Column<string>(type: "TEXT", nullable: false),
                    Passive = table.Column<bool>(type: "INTEGER", nullable: false),
                    IsCampaignTouch = table.Column<bool>(type: "INTEGER", nullable: false),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AdId = table.Column<string>(type: "TEXT", nullable: true),
                    AdsContextData = table.Column<string>(type: "TEXT", nullable: true),
                    RefererUri = table.Column<string>(type: "TEXT", nullable: true),
                    ProductId = table.Column<string>(type: "TEXT", nullable: true),
                    Payload = table.Column<string>(type: "TEXT", nullable: true),
                    CtwaClid = table.Column<string>(type: "TEXT", nullable: true),
                    SourceId = table.Column<string>(type: "TEXT", nullable: true),
                    SourceType = table.Column<string>(type: "TEXT", nullable: true),
                    SourceUrl = table.Column<string>(type: "TEXT", nullable: true),
                    Headline = table.Column<string>(type: "TEXT", nullable: true),
                    Body = table.Column<string>(type: "TEXT", nullable: true),
                    MediaType = table.Column<string>(type: "TEXT", nullable: true),
                    ImageUrl = table.Column<string>(type: "TEXT", nullable: true),
                    VideoUrl = table.Column<string>(type: "TEXT", nullable: true),
                    ThumbnailUrl = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReferralTouches", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReferralTouches_Conversations_ConversationId",
                        column: x => x.ConversationId,
                        principalTable: "Conversations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_FirstReferralId",
                table: "Conversations",
                column: "FirstReferralId");

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_LastActivityAt",
                table: "Conversations",
                column: "LastActivityAt");

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_LatestReferralId",
                table: "Conversations",
                column: "LatestReferralId");

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_ParticipantId",
                table: "Conversations",
                column: "ParticipantId");

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_Platform_AccountId_ParticipantId",
                table: "Conversations",
                columns: new[] { "Platform", "AccountId", "ParticipantId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InboundDeliveries_Pending",
                table: "InboundDeliveries",
                column: "Status",
                filter: "Status = 0");

            migrationBuilder.CreateIndex(
                name: "IX_InboundDeliveries_ReceivedAt",
                table: "InboundDeliveries",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ReferralTouches_ConversationId_OccurredAt",
                table: "ReferralTouches",
                columns: new[] { "ConversationId", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ReferralTouches_OccurredAt",
                table: "ReferralTouches",
                column: "OccurredAt");

            migrationBuilder.CreateIndex(
                name: "IX_ReferralTouches_Ref",
                table: "ReferralTouches",
                column: "Ref");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookEvents_ConversationId_OccurredAt",
                table: "WebhookEvents",
                columns: new[] { "ConversationId", "OccurredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_WebhookEvents_DedupKey",
                table: "WebhookEvents",
                column: "DedupKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WebhookEvents_DeliveryId",
                table: "WebhookEvents",
                column: "DeliveryId");

            migrationBuilder.AddForeignKey(
                name: "FK_Conversations_ReferralTouches_FirstReferralId",
                table: "Conversations",
                column: "FirstReferralId",
                principalTable: "ReferralTouches",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_Conversations_ReferralTouches_LatestReferralId",
                table: "Conversations",
                column: "LatestReferralId",
                principalTable: "ReferralTouches",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Conversations_ReferralTouches_FirstReferralId",
                table: "Conversations");

            migrationBuilder.DropForeignKey(
                name: "FK_Conversations_ReferralTouches_LatestReferralId",
                table: "Conversations");

            migrationBuilder.DropTable(
                name: "InboundDeliveries");

            migrationBuilder.DropTable(
                name: "WebhookEvents");

            migrationBuilder.DropTable(
                name: "ReferralTouches");

            migrationBuilder.DropTable(
                name: "Conversations");
        }
    }
}
