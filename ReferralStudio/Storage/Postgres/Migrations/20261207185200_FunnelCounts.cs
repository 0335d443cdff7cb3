using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralStudio.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class FunnelCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_linkscandays",
                table: "linkscandays");

            migrationBuilder.AddColumn<string>(
                name: "code",
                table: "linkscandays",
                type: "text",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "touches",
                table: "campaignhours",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "touches",
                table: "campaigndays",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddPrimaryKey(
                name: "pk_linkscandays",
                table: "linkscandays",
                columns: new[] { "linkid", "day", "platform", "code", "device" });

            migrationBuilder.CreateIndex(
                name: "ix_linkscandays_day",
                table: "linkscandays",
                column: "day");

            // Frozen copies of what the app then keeps up: each scan day counted for the code its link led to by the end
            // of that (UTC) day, and every campaign touch without an ad counted at its hour, day and key under both models (the key's
            // parts compared as the campaign keys' unique index does, NULLs equal and the ref ignoring case, in the
            // hashable form PostgresCampaignRollup.SameKey explains).
            migrationBuilder.Sql("""
                UPDATE linkscandays s SET code = COALESCE(
                    (SELECT t.code FROM trackablelinktargets t
                     WHERE t.linkid = s.linkid AND t.changedat < (extract(epoch FROM s.day + 1) * 1000)::bigint
                     ORDER BY t.changedat DESC LIMIT 1),
                    (SELECT l.code FROM trackablelinks l WHERE l.id = s.linkid));
                INSERT INTO campaignkeys (triggerid, ref, adid)
                SELECT DISTINCT ON (t.triggerid, lower(t.ref), t.adid) t.triggerid, t.ref, t.adid FROM referraltouches t
                WHERE t.iscampaigntouch AND t.adid IS NULL
                  AND NOT EXISTS (SELECT 1 FROM campaignkeys k WHERE
                      COALESCE(k.triggerid, 0) = COALESCE(t.triggerid, 0) AND (k.triggerid IS NULL) = (t.triggerid IS NULL)
                      AND COALESCE(lower(k.ref), '') = COALESCE(lower(t.ref), '') AND (k.ref IS NULL) = (t.ref IS NULL)
                      AND COALESCE(k.adid, '') = COALESCE(t.adid, '') AND (k.adid IS NULL) = (t.adid IS NULL))
                ORDER BY t.triggerid, lower(t.ref), t.adid, t.id;
                INSERT INTO campaignhours (model, start, keyid, conversations, converted, conversions, value, touches)
                SELECT m.model, g.start, k.id, 0, 0, 0, 0, g.touches
                FROM (SELECT (occurredat - (((occurredat % 3600000) + 3600000) % 3600000)) AS start, triggerid, lower(ref) AS ref, adid, COUNT(*)::int AS touches
                      FROM referraltouches WHERE iscampaigntouch AND adid IS NULL GROUP BY 1, triggerid, lower(ref), adid) g
                JOIN campaignkeys k ON
                    COALESCE(k.triggerid, 0) = COALESCE(g.triggerid, 0) AND (k.triggerid IS NULL) = (g.triggerid IS NULL)
                    AND COALESCE(lower(k.ref), '') = COALESCE(g.ref, '') AND (k.ref IS NULL) = (g.ref IS NULL)
                    AND COALESCE(k.adid, '') = COALESCE(g.adid, '') AND (k.adid IS NULL) = (g.adid IS NULL)
                CROSS JOIN (VALUES (0), (1)) AS m (model)
                ON CONFLICT (model, start, keyid) DO UPDATE SET touches = excluded.touches;
                INSERT INTO campaigndays (model, start, keyid, conversations, converted, conversions, value, touches)
                SELECT model, (start - (((start % 86400000) + 86400000) % 86400000)), keyid, 0, 0, 0, 0, SUM(touches)::int
                FROM campaignhours WHERE touches > 0 GROUP BY model, (start - (((start % 86400000) + 86400000) % 86400000)), keyid
                ON CONFLICT (model, start, keyid) DO UPDATE SET touches = excluded.touches;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_linkscandays",
                table: "linkscandays");

            migrationBuilder.DropIndex(
                name: "ix_linkscandays_day",
                table: "linkscandays");

            migrationBuilder.DropColumn(
                name: "code",
                table: "linkscandays");

            migrationBuilder.DropColumn(
                name: "touches",
                table: "campaignhours");

            migrationBuilder.DropColumn(
                name: "touches",
                table: "campaigndays");

            migrationBuilder.AddPrimaryKey(
                name: "pk_linkscandays",
                table: "linkscandays",
                columns: new[] { "linkid", "day", "platform", "device" });
        }
    }
}
