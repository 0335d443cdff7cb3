using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Data.Migrations
{
    /// <summary>
    /// The model now says what FeedRefIndexNewestFirst built by hand: (Ref, OccurredAt DESC). The index in every
    /// database already has that shape, so nothing is rebuilt (on a large file that would cost the first start
    /// seconds for no change); UpgradeInPlaceTests and FeedQueryTests check the index's SQL.
    /// </summary>
    public partial class FeedRefIndexModelled : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
