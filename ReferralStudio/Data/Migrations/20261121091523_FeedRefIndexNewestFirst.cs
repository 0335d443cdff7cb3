using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Data.Migrations
{
    /// <summary>
    /// Stores each ref's touches newest first in IX_ReferralTouches_Ref_OccurredAt, so the feed's by-ref plan
    /// (FeedQuery.PrefixPlan.ByRef) meets the newest touches first and rejects the rest with one comparison.
    /// EF Core 6 cannot model a descending index column: the model still says (Ref, OccurredAt), and
    /// FeedQueryTests checks the column order in the database.
    /// </summary>
    public partial class FeedRefIndexNewestFirst : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX "IX_ReferralTouches_Ref_OccurredAt";""");
            migrationBuilder.Sql("""CREATE INDEX "IX_ReferralTouches_Ref_OccurredAt" ON "ReferralTouches" ("Ref", "OccurredAt" DESC);""");
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX "IX_ReferralTouches_Ref_OccurredAt";""");
            migrationBuilder.Sql("""CREATE INDEX "IX_ReferralTouches_Ref_OccurredAt" ON "ReferralTouches" ("Ref", "OccurredAt");""");
        }
    }
}
