using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ReferralStudio.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class TrackableLinks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "trackablelinks",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    slug = table.Column<string>(type: "text", nullable: false),
                    platform = table.Column<string>(type: "text", nullable: false),
                    account = table.Column<string>(type: "text", nullable: false),
                    code = table.Column<string>(type: "text", nullable: false),
                    whatsapptemplate = table.Column<string>(type: "text", nullable: true),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    createdat = table.Column<long>(type: "bigint", nullable: false),
                    updatedat = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_trackablelinks", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "linkscandays",
                columns: table => new
                {
                    linkid = table.Column<long>(type: "bigint", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    platform = table.Column<string>(type: "text", nullable: false),
                    device = table.Column<string>(type: "text", nullable: false),
                    scans = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_linkscandays", x => new { x.linkid, x.day, x.platform, x.device });
                    table.ForeignKey(
                        name: "fk_linkscandays_trackablelinks_linkid",
                        column: x => x.linkid,
                        principalTable: "trackablelinks",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "trackablelinktargets",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    linkid = table.Column<long>(type: "bigint", nullable: false),
                    platform = table.Column<string>(type: "text", nullable: false),
                    account = table.Column<string>(type: "text", nullable: false),
                    code = table.Column<string>(type: "text", nullable: false),
                    whatsapptemplate = table.Column<string>(type: "text", nullable: true),
                    changedat = table.Column<long>(type: "bigint", nullable: false),
                    changedby = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_trackablelinktargets", x => x.id);
                    table.ForeignKey(
                        name: "fk_trackablelinktargets_trackablelinks_linkid",
                        column: x => x.linkid,
                        principalTable: "trackablelinks",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_trackablelinks_code",
                table: "trackablelinks",
                column: "code");

            migrationBuilder.CreateIndex(
                name: "ix_trackablelinks_slug",
                table: "trackablelinks",
                column: "slug",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_trackablelinktargets_linkid_changedat",
                table: "trackablelinktargets",
                columns: new[] { "linkid", "changedat" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "linkscandays");

            migrationBuilder.DropTable(
                name: "trackablelinktargets");

            migrationBuilder.DropTable(
                name: "trackablelinks");
        }
    }
}
