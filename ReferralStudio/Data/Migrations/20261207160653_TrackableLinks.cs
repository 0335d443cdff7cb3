using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Data.Migrations
{
    /// <inheritdoc />
    public partial class TrackableLinks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "TrackableLinks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Slug = table.Column<string>(type: "TEXT", nullable: false),
                    Platform = table.Column<string>(type: "TEXT", nullable: false),
                    Account = table.Column<string>(type: "TEXT", nullable: false),
                    Code = table.Column<string>(type: "TEXT", nullable: false),
                    WhatsAppTemplate = table.Column<string>(type: "TEXT", nullable: true),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrackableLinks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LinkScanDays",
                columns: table => new
                {
                    LinkId = table.Column<long>(type: "INTEGER", nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Platform = table.Column<string>(type: "TEXT", nullable: false),
                    Device = table.Column<string>(type: "TEXT", nullable: false),
                    Scans = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LinkScanDays", x => new { x.LinkId, x.Day, x.Platform, x.Device });
                    table.ForeignKey(
                        name: "FK_LinkScanDays_TrackableLinks_LinkId",
                        column: x => x.LinkId,
                        principalTable: "TrackableLinks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TrackableLinkTargets",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    LinkId = table.Column<long>(type: "INTEGER", nullable: false),
                    Platform = table.Column<string>(type: "TEXT", nullable: false),
                    Account = table.Column<string>(type: "TEXT", nullable: false),
                    Code = table.Column<string>(type: "TEXT", nullable: false),
                    WhatsAppTemplate = table.Column<string>(type: "TEXT", nullable: true),
                    ChangedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ChangedBy = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrackableLinkTargets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TrackableLinkTargets_TrackableLinks_LinkId",
                        column: x => x.LinkId,
                        principalTable: "TrackableLinks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TrackableLinkTargets_LinkId_ChangedAt",
                table: "TrackableLinkTargets",
                columns: new[] { "LinkId", "ChangedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_TrackableLinks_Code",
                table: "TrackableLinks",
                column: "Code");

            migrationBuilder.CreateIndex(
                name: "IX_TrackableLinks_Slug",
                table: "TrackableLinks",
                column: "Slug",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LinkScanDays");

            migrationBuilder.DropTable(
                name: "TrackableLinkTargets");

            migrationBuilder.DropTable(
                name: "TrackableLinks");
        }
    }
}
