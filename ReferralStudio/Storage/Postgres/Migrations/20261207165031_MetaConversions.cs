using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ReferralStudio.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class MetaConversions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "conversionsdatasetid",
                table: "businessaccounts",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "conversionstoken",
                table: "businessaccounts",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "whatsappbusinessaccountid",
                table: "businessaccounts",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "metaconversionattempts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    metaconversioneventid = table.Column<long>(type: "bigint", nullable: false),
                    conversationid = table.Column<long>(type: "bigint", nullable: false),
                    attemptedat = table.Column<long>(type: "bigint", nullable: false),
                    statuscode = table.Column<int>(type: "integer", nullable: true),
                    error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_metaconversionattempts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "metaconversionevents",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    conversionid = table.Column<long>(type: "bigint", nullable: false),
                    conversationid = table.Column<long>(type: "bigint", nullable: false),
                    platform = table.Column<string>(type: "text", nullable: false),
                    accountid = table.Column<string>(type: "text", nullable: false),
                    eventname = table.Column<string>(type: "text", nullable: false),
                    eventid = table.Column<string>(type: "text", nullable: false),
                    payload = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    createdat = table.Column<long>(type: "bigint", nullable: false),
                    nextattemptat = table.Column<long>(type: "bigint", nullable: false),
                    completedat = table.Column<long>(type: "bigint", nullable: true),
                    laststatuscode = table.Column<int>(type: "integer", nullable: true),
                    lasterror = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_metaconversionevents", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_metaconversionattempts_conversationid",
                table: "metaconversionattempts",
                column: "conversationid");

            migrationBuilder.CreateIndex(
                name: "ix_metaconversionattempts_metaconversioneventid",
                table: "metaconversionattempts",
                column: "metaconversioneventid");

            migrationBuilder.CreateIndex(
                name: "ix_metaconversionevents_conversationid",
                table: "metaconversionevents",
                column: "conversationid");

            migrationBuilder.CreateIndex(
                name: "ix_metaconversionevents_conversionid",
                table: "metaconversionevents",
                column: "conversionid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_metaconversionevents_due",
                table: "metaconversionevents",
                column: "nextattemptat",
                filter: "Status = 0");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "metaconversionattempts");

            migrationBuilder.DropTable(
                name: "metaconversionevents");

            migrationBuilder.DropColumn(
                name: "conversionsdatasetid",
                table: "businessaccounts");

            migrationBuilder.DropColumn(
                name: "conversionstoken",
                table: "businessaccounts");

            migrationBuilder.DropColumn(
                name: "whatsappbusinessaccountid",
                table: "businessaccounts");
        }
    }
}
