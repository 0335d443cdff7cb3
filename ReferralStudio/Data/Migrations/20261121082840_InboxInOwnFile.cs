using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Data.Migrations
{
    public partial class InboxInOwnFile : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DeliveryOutcomes",
                columns: table => new
                {
                    DeliveryId = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: true),
                    ProcessedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    EventCount = table.Column<int>(type: "INTEGER", nullable: false),
                    DuplicateCount = table.Column<int>(type: "INTEGER", nullable: false),
                    RejectedEventCount = table.Column<int>(type: "INTEGER", nullable: false),
                    IgnoredEventCount = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliveryOutcomes", x => x.DeliveryId);
                });

            migrationBuilder.CreateTable(
                name: "InboxCursors",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    LastDeliveryId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboxCursors", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "InboxCursors",
                columns: new[] { "Id", "LastDeliveryId" },
                values: new object[] { 1, 0L });

            // The deliveries themselves were copied into the inbox file before this migration (see
            // SqliteStorage.MoveLegacyInbox); what processing made of them stays here as outcomes,
            // and the cursor stops before the first delivery still pending.
            migrationBuilder.Sql("""
                INSERT INTO DeliveryOutcomes (DeliveryId, Status, Reason, ProcessedAt, EventCount, DuplicateCount, RejectedEventCount, IgnoredEventCount)
                SELECT Id, Status, Reason, COALESCE(ProcessedAt, ReceivedAt), EventCount, DuplicateCount, RejectedEventCount, IgnoredEventCount
                FROM InboundDeliveries WHERE Status IN (1, 4);
                UPDATE InboxCursors SET LastDeliveryId = COALESCE(
                    (SELECT MIN(Id) - 1 FROM InboundDeliveries WHERE Status = 0),
                    (SELECT MAX(Id) FROM InboundDeliveries),
                    0);
                """);

            migrationBuilder.DropTable(
                name: "InboundDeliveries");
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DeliveryOutcomes");

            migrationBuilder.DropTable(
                name: "InboxCursors");

            migrationBuilder.CreateTable(
                name: "InboundDeliveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Body = table.Column<byte[]>(type: "BLOB", nullable: false),
                    DuplicateCount = table.Column<int>(type: "INTEGER", nullable: false),
                    EventCount = table.Column<int>(type: "INTEGER", nullable: false),
                    IgnoredEventCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ObjectType = table.Column<string>(type: "TEXT", nullable: true),
                    ProcessedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", nullable: true),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RejectedEventCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Simulated = table.Column<bool>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboundDeliveries", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_InboundDeliveries_Pending",
                table: "InboundDeliveries",
                column: "Status",
                filter: "Status = 0");

            migrationBuilder.CreateIndex(
                name: "IX_InboundDeliveries_ReceivedAt",
                table: "InboundDeliveries",
                column: "ReceivedAt");
        }
    }
}
