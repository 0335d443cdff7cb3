using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Data.Migrations
{
    /// <summary>
    /// What the feed's search (Insight/FeedSearch) looks fragments up in, filled here from the rows already stored:
    /// <list type="bullet">
    /// <item><c>ConversationSearch</c>: an FTS5 trigram index (case-insensitive substrings) over each conversation's display
    /// name and username, with Conversations as its content table (the text is not stored twice; no column sizes: the
    /// search does not rank).</item>
    /// <item><c>FeedRefs</c>: every distinct ref (NOCASE, as the touches' column), a few thousand rows scanned with LIKE;
    /// refs left behind by deleted touches only cost a row each.</item>
    /// </list>
    /// The writers of Conversations and ReferralTouches keep them current (Storage/Sqlite/FeedSearchIndex), not triggers:
    /// a statement that fires a trigger writing another table runs with a statement journal, which made the processor's
    /// touch inserts and conversation saves several times dearer.
    /// </summary>
    public partial class FeedSearch : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE "ConversationSearch" USING fts5(
                    "ParticipantName", "ParticipantUsername", content = 'Conversations', content_rowid = 'Id', columnsize = 0, tokenize = 'trigram');
                """);
            migrationBuilder.Sql("""INSERT INTO "ConversationSearch" ("ConversationSearch") VALUES ('rebuild');""");
            migrationBuilder.Sql("""CREATE TABLE "FeedRefs" ("Ref" TEXT NOT NULL COLLATE NOCASE PRIMARY KEY) WITHOUT ROWID;""");
            migrationBuilder.Sql("""INSERT OR IGNORE INTO "FeedRefs" ("Ref") SELECT DISTINCT "Ref" FROM "ReferralTouches" WHERE "Ref" IS NOT NULL;""");
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TABLE "FeedRefs";""");
            migrationBuilder.Sql("""DROP TABLE "ConversationSearch";""");
        }
    }
}
