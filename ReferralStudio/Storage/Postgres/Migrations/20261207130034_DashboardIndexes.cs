using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Storage.Postgres.Migrations
{
    /// <summary>
    /// The touches' time indexes end with the id (PostgresAppDbContext says why): the feed's newest-first pages read
    /// (OccurredAt, Id) order from an index instead of sorting.
    /// </summary>
    public partial class DashboardIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_referraltouches_accountid_occurredat",
                table: "referraltouches");

            migrationBuilder.DropIndex(
                name: "ix_referraltouches_adid_occurredat",
                table: "referraltouches");

            migrationBuilder.DropIndex(
                name: "ix_referraltouches_occurredat",
                table: "referraltouches");

            migrationBuilder.DropIndex(
                name: "ix_referraltouches_participantid_occurredat",
                table: "referraltouches");

            migrationBuilder.DropIndex(
                name: "ix_referraltouches_platform_occurredat",
                table: "referraltouches");

            migrationBuilder.DropIndex(
                name: "ix_referraltouches_triggerid_occurredat",
                table: "referraltouches");

            migrationBuilder.CreateIndex(
                name: "ix_referraltouches_accountid_occurredat_id",
                table: "referraltouches",
                columns: new[] { "accountid", "occurredat", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_referraltouches_adid_occurredat_id",
                table: "referraltouches",
                columns: new[] { "adid", "occurredat", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_referraltouches_occurredat_id",
                table: "referraltouches",
                columns: new[] { "occurredat", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_referraltouches_participantid_occurredat_id",
                table: "referraltouches",
                columns: new[] { "participantid", "occurredat", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_referraltouches_platform_occurredat_id",
                table: "referraltouches",
                columns: new[] { "platform", "occurredat", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_referraltouches_triggerid_occurredat_id",
                table: "referraltouches",
                columns: new[] { "triggerid", "occurredat", "id" });

            // The ref index (written by hand: an expression) ends with the id too, newest first like the time.
            migrationBuilder.Sql("""
                DROP INDEX ix_referraltouches_lowerref_occurredat;
                CREATE INDEX ix_referraltouches_lowerref_occurredat_id ON referraltouches (lower(ref) text_pattern_ops, occurredat DESC, id DESC);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX ix_referraltouches_lowerref_occurredat_id;
                CREATE INDEX ix_referraltouches_lowerref_occurredat ON referraltouches (lower(ref) text_pattern_ops, occurredat DESC);
                """);

            migrationBuilder.DropIndex(
                name: "ix_referraltouches_accountid_occurredat_id",
                table: "referraltouches");

            migrationBuilder.DropIndex(
                name: "ix_referraltouches_adid_occurredat_id",
                table: "referraltouches");

            migrationBuilder.DropIndex(
                name: "ix_referraltouches_occurredat_id",
                table: "referraltouches");

            migrationBuilder.DropIndex(
                name: "ix_referraltouches_participantid_occurredat_id",
                table: "referraltouches");

            migrationBuilder.DropIndex(
                name: "ix_referraltouches_platform_occurredat_id",
                table: "referraltouches");

            migrationBuilder.DropIndex(
                name: "ix_referraltouches_triggerid_occurredat_id",
                table: "referraltouches");

            migrationBuilder.CreateIndex(
                name: "ix_referraltouches_accountid_occurredat",
                table: "referraltouches",
                columns: new[] { "accountid", "occurredat" });

            migrationBuilder.CreateIndex(
                name: "ix_referraltouches_adid_occurredat",
                table: "referraltouches",
                columns: new[] { "adid", "occurredat" });

            migrationBuilder.CreateIndex(
                name: "ix_referraltouches_occurredat",
                table: "referraltouches",
                column: "occurredat");

            migrationBuilder.CreateIndex(
                name: "ix_referraltouches_participantid_occurredat",
                table: "referraltouches",
                columns: new[] { "participantid", "occurredat" });

            migrationBuilder.CreateIndex(
                name: "ix_referraltouches_platform_occurredat",
                table: "referraltouches",
                columns: new[] { "platform", "occurredat" });

            migrationBuilder.CreateIndex(
                name: "ix_referraltouches_triggerid_occurredat",
                table: "referraltouches",
                columns: new[] { "triggerid", "occurredat" });
        }
    }
}
