using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Storage.Postgres.Migrations
{
    /// <summary>
    /// Indexes the dashboard's searches and campaign report can answer from alone (PostgreSQL only): the touches by
    /// conversation end with the id, as the time indexes do since DashboardIndexes (a name search lists its conversations'
    /// touches from the index instead of scanning every touch); the ref index carries the ref itself, without which
    /// PostgreSQL never reads an expression index alone (a ref prefix's count and page); and the campaign keys get an
    /// index on the expressions the report joins touches to keys by (PostgresCampaignRollup.SameKey), so a partial
    /// hour's few touches look their keys up instead of hashing every key.
    /// </summary>
    public partial class FeedSearchIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_referraltouches_conversationid_occurredat",
                table: "referraltouches");

            migrationBuilder.CreateIndex(
                name: "ix_referraltouches_conversationid_occurredat_id",
                table: "referraltouches",
                columns: new[] { "conversationid", "occurredat", "id" });

            migrationBuilder.Sql("""
                DROP INDEX ix_referraltouches_lowerref_occurredat_id;
                CREATE INDEX ix_referraltouches_lowerref_occurredat_id ON referraltouches (lower(ref) text_pattern_ops, occurredat DESC, id DESC) INCLUDE (ref);
                CREATE INDEX ix_campaignkeys_samekey ON campaignkeys (COALESCE(triggerid, 0), COALESCE(lower(ref), ''), COALESCE(adid, ''));
                """);

            // An expression index's statistics (how many touches a ref prefix matches) are gathered by ANALYZE, and go with
            // the index dropped above; autovacuum would only gather them again after a tenth of the table changed.
            migrationBuilder.Sql("ANALYZE referraltouches; ANALYZE campaignkeys;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX ix_campaignkeys_samekey;
                DROP INDEX ix_referraltouches_lowerref_occurredat_id;
                CREATE INDEX ix_referraltouches_lowerref_occurredat_id ON referraltouches (lower(ref) text_pattern_ops, occurredat DESC, id DESC);
                """);

            migrationBuilder.DropIndex(
                name: "ix_referraltouches_conversationid_occurredat_id",
                table: "referraltouches");

            migrationBuilder.CreateIndex(
                name: "ix_referraltouches_conversationid_occurredat",
                table: "referraltouches",
                columns: new[] { "conversationid", "occurredat" });
        }
    }
}
