using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Data.Migrations
{
    /// <summary>
    /// What the feed's search (Insight/FeedSearch) looks fragments up in, kept by triggers so every writer of the two
    /// tables (the processor, the demo loader, raw inserts) keeps it current, and filled here from the rows already stored:
    /// <list type="bullet">
    /// <item><c>ConversationSearch</c>: an FTS5 trigram index (case-insensitive substrings) over each conversation's display
    /// name and username, with Conversations as its content table (the text is not stored twice).</item>
    /// <item><c>FeedRefs</c>: every distinct ref (NOCASE, as the touches' column), a few thousand rows scanned with LIKE;
    /// refs left behind by deleted touches only cost a row each.</item>
    /// </list>
    /// The processor updates ParticipantName on every save of a conversation; the update trigger's WHEN skips the index
    /// unless the name or username changed.
    /// </summary>
    public partial class FeedSearch : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE "ConversationSearch" USING fts5(
                    "ParticipantName", "ParticipantUsername", content = 'Conversations', content_rowid = 'Id', tokenize = 'trigram');
                """);
            migrationBuilder.Sql("""INSERT INTO "ConversationSearch" ("ConversationSearch") VALUES ('rebuild');""");
            migrationBuilder.Sql("""
                CREATE TRIGGER "Conversations_Search_Insert" AFTER INSERT ON "Conversations" BEGIN
                    INSERT INTO "ConversationSearch" (rowid, "ParticipantName", "ParticipantUsername") VALUES (new."Id", new."ParticipantName", new."ParticipantUsername");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Conversations_Search_Update" AFTER UPDATE OF "ParticipantName", "ParticipantUsername" ON "Conversations"
                WHEN old."ParticipantName" IS NOT new."ParticipantName" OR old."ParticipantUsername" IS NOT new."ParticipantUsername" BEGIN
                    INSERT INTO "ConversationSearch" ("ConversationSearch", rowid, "ParticipantName", "ParticipantUsername") VALUES ('delete', old."Id", old."ParticipantName", old."ParticipantUsername");
                    INSERT INTO "ConversationSearch" (rowid, "ParticipantName", "ParticipantUsername") VALUES (new."Id", new."ParticipantName", new."ParticipantUsername");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Conversations_Search_Delete" AFTER DELETE ON "Conversations" BEGIN
                    INSERT INTO "ConversationSearch" ("ConversationSearch", rowid, "ParticipantName", "ParticipantUsername") VALUES ('delete', old."Id", old."ParticipantName", old."ParticipantUsername");
                END;
                """);

            migrationBuilder.Sql("""CREATE TABLE "FeedRefs" ("Ref" TEXT NOT NULL COLLATE NOCASE PRIMARY KEY) WITHOUT ROWID;""");
            migrationBuilder.Sql("""INSERT OR IGNORE INTO "FeedRefs" ("Ref") SELECT DISTINCT "Ref" FROM "ReferralTouches" WHERE "Ref" IS NOT NULL;""");
            migrationBuilder.Sql("""
                CREATE TRIGGER "ReferralTouches_FeedRefs" AFTER INSERT ON "ReferralTouches" WHEN new."Ref" IS NOT NULL BEGIN
                    INSERT OR IGNORE INTO "FeedRefs" ("Ref") VALUES (new."Ref");
                END;
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER "ReferralTouches_FeedRefs";""");
            migrationBuilder.Sql("""DROP TABLE "FeedRefs";""");
            migrationBuilder.Sql("""DROP TRIGGER "Conversations_Search_Delete";""");
            migrationBuilder.Sql("""DROP TRIGGER "Conversations_Search_Update";""");
            migrationBuilder.Sql("""DROP TRIGGER "Conversations_Search_Insert";""");
            migrationBuilder.Sql("""DROP TABLE "ConversationSearch";""");
        }
    }
}
