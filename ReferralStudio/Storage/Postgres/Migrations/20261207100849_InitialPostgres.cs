using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace ReferralStudio.Storage.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class InitialPostgres : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "apikeys",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    scope = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    prefix = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    createdat = table.Column<long>(type: "bigint", nullable: false),
                    createdby = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    lastusedat = table.Column<long>(type: "bigint", nullable: true),
                    revokedat = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_apikeys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "aspnetroles",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalizedname = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    concurrencystamp = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_aspnetroles", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "aspnetusers",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    createdat = table.Column<long>(type: "bigint", nullable: false),
                    lastsigninat = table.Column<long>(type: "bigint", nullable: true),
                    username = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalizedusername = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalizedemail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    emailconfirmed = table.Column<bool>(type: "boolean", nullable: false),
                    passwordhash = table.Column<string>(type: "text", nullable: true),
                    securitystamp = table.Column<string>(type: "text", nullable: true),
                    concurrencystamp = table.Column<string>(type: "text", nullable: true),
                    phonenumber = table.Column<string>(type: "text", nullable: true),
                    phonenumberconfirmed = table.Column<bool>(type: "boolean", nullable: false),
                    twofactorenabled = table.Column<bool>(type: "boolean", nullable: false),
                    lockoutend = table.Column<long>(type: "bigint", nullable: true),
                    lockoutenabled = table.Column<bool>(type: "boolean", nullable: false),
                    accessfailedcount = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_aspnetusers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "auditentries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    occurredat = table.Column<long>(type: "bigint", nullable: false),
                    actorkind = table.Column<string>(type: "text", nullable: false),
                    actorid = table.Column<string>(type: "text", nullable: true),
                    actor = table.Column<string>(type: "text", nullable: false),
                    action = table.Column<string>(type: "text", nullable: false),
                    entitytype = table.Column<string>(type: "text", nullable: false),
                    entityid = table.Column<string>(type: "text", nullable: false),
                    entityname = table.Column<string>(type: "text", nullable: false),
                    summary = table.Column<string>(type: "text", nullable: false),
                    before = table.Column<string>(type: "text", nullable: true),
                    after = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_auditentries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "businessaccounts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    platform = table.Column<string>(type: "text", nullable: false),
                    accountid = table.Column<string>(type: "text", nullable: false),
                    handle = table.Column<string>(type: "text", nullable: false),
                    accesstoken = table.Column<string>(type: "text", nullable: true),
                    createdat = table.Column<long>(type: "bigint", nullable: false),
                    isdemo = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_businessaccounts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "campaigndays",
                columns: table => new
                {
                    model = table.Column<int>(type: "integer", nullable: false),
                    start = table.Column<long>(type: "bigint", nullable: false),
                    keyid = table.Column<long>(type: "bigint", nullable: false),
                    conversations = table.Column<int>(type: "integer", nullable: false),
                    converted = table.Column<int>(type: "integer", nullable: false),
                    conversions = table.Column<int>(type: "integer", nullable: false),
                    value = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_campaigndays", x => new { x.model, x.start, x.keyid });
                });

            migrationBuilder.CreateTable(
                name: "campaignhours",
                columns: table => new
                {
                    model = table.Column<int>(type: "integer", nullable: false),
                    start = table.Column<long>(type: "bigint", nullable: false),
                    keyid = table.Column<long>(type: "bigint", nullable: false),
                    conversations = table.Column<int>(type: "integer", nullable: false),
                    converted = table.Column<int>(type: "integer", nullable: false),
                    conversions = table.Column<int>(type: "integer", nullable: false),
                    value = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_campaignhours", x => new { x.model, x.start, x.keyid });
                });

            migrationBuilder.CreateTable(
                name: "campaignkeys",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    triggerid = table.Column<long>(type: "bigint", nullable: true),
                    @ref = table.Column<string>(name: "ref", type: "text", nullable: true),
                    adid = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_campaignkeys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "conversationtags",
                columns: table => new
                {
                    conversationid = table.Column<long>(type: "bigint", nullable: false),
                    label = table.Column<string>(type: "text", nullable: false),
                    triggerid = table.Column<long>(type: "bigint", nullable: true),
                    addedat = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_conversationtags", x => new { x.conversationid, x.label });
                });

            migrationBuilder.CreateTable(
                name: "conversions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    conversationid = table.Column<long>(type: "bigint", nullable: false),
                    type = table.Column<string>(type: "text", nullable: false),
                    value = table.Column<double>(type: "double precision", nullable: true),
                    currency = table.Column<string>(type: "text", nullable: true),
                    occurredat = table.Column<long>(type: "bigint", nullable: false),
                    externalid = table.Column<string>(type: "text", nullable: false),
                    firsttouchid = table.Column<long>(type: "bigint", nullable: true),
                    lasttouchid = table.Column<long>(type: "bigint", nullable: true),
                    recordedat = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_conversions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "deliveryoutcomes",
                columns: table => new
                {
                    deliveryid = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: true),
                    processedat = table.Column<long>(type: "bigint", nullable: false),
                    eventcount = table.Column<int>(type: "integer", nullable: false),
                    duplicatecount = table.Column<int>(type: "integer", nullable: false),
                    rejectedeventcount = table.Column<int>(type: "integer", nullable: false),
                    ignoredeventcount = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_deliveryoutcomes", x => x.deliveryid);
                });

            migrationBuilder.CreateTable(
                name: "inbounddeliveries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    receivedat = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    objecttype = table.Column<string>(type: "text", nullable: true),
                    body = table.Column<byte[]>(type: "bytea", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: true),
                    simulated = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inbounddeliveries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "inboxcursors",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    lastdeliveryid = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inboxcursors", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "outboundattempts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    deliveryid = table.Column<long>(type: "bigint", nullable: false),
                    attemptedat = table.Column<long>(type: "bigint", nullable: false),
                    statuscode = table.Column<int>(type: "integer", nullable: true),
                    latencyms = table.Column<int>(type: "integer", nullable: false),
                    error = table.Column<string>(type: "text", nullable: true),
                    replay = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outboundattempts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "outbounddeliveries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    subscriptionid = table.Column<long>(type: "bigint", nullable: false),
                    messageid = table.Column<string>(type: "text", nullable: false),
                    eventtype = table.Column<string>(type: "text", nullable: false),
                    payload = table.Column<string>(type: "text", nullable: false),
                    createdat = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    nextattemptat = table.Column<long>(type: "bigint", nullable: false),
                    deliveredat = table.Column<long>(type: "bigint", nullable: true),
                    laststatuscode = table.Column<int>(type: "integer", nullable: true),
                    lasterror = table.Column<string>(type: "text", nullable: true),
                    replayrequested = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbounddeliveries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "outgoingmessages",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    conversationid = table.Column<long>(type: "bigint", nullable: false),
                    triggerid = table.Column<long>(type: "bigint", nullable: true),
                    referraltouchid = table.Column<long>(type: "bigint", nullable: true),
                    platform = table.Column<string>(type: "text", nullable: false),
                    accountid = table.Column<string>(type: "text", nullable: false),
                    recipientid = table.Column<string>(type: "text", nullable: false),
                    text = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    createdat = table.Column<long>(type: "bigint", nullable: false),
                    nextattemptat = table.Column<long>(type: "bigint", nullable: false),
                    completedat = table.Column<long>(type: "bigint", nullable: true),
                    externalmessageid = table.Column<string>(type: "text", nullable: true),
                    laststatuscode = table.Column<int>(type: "integer", nullable: true),
                    lasterror = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outgoingmessages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "pairidentities",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    pairid = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_pairidentities", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "touchquarters",
                columns: table => new
                {
                    start = table.Column<long>(type: "bigint", nullable: false),
                    triggerid = table.Column<long>(type: "bigint", nullable: false),
                    touches = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_touchquarters", x => new { x.start, x.triggerid });
                });

            migrationBuilder.CreateTable(
                name: "triggerfirings",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    triggerid = table.Column<long>(type: "bigint", nullable: false),
                    conversationid = table.Column<long>(type: "bigint", nullable: false),
                    referraltouchid = table.Column<long>(type: "bigint", nullable: false),
                    captures = table.Column<List<string>>(type: "text[]", nullable: false),
                    firedat = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_triggerfirings", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "triggers",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    name = table.Column<string>(type: "text", nullable: false),
                    pattern = table.Column<string>(type: "text", nullable: false),
                    platforms = table.Column<List<string>>(type: "text[]", nullable: false),
                    adids = table.Column<List<string>>(type: "text[]", nullable: false),
                    priority = table.Column<int>(type: "integer", nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    greetingtext = table.Column<string>(type: "text", nullable: true),
                    greetingmode = table.Column<int>(type: "integer", nullable: false),
                    createdat = table.Column<long>(type: "bigint", nullable: false),
                    updatedat = table.Column<long>(type: "bigint", nullable: false),
                    isdemo = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_triggers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "webhookevents",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    deliveryid = table.Column<long>(type: "bigint", nullable: false),
                    dedupkey = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<int>(type: "integer", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: true),
                    platform = table.Column<string>(type: "text", nullable: true),
                    kind = table.Column<string>(type: "text", nullable: true),
                    passive = table.Column<bool>(type: "boolean", nullable: false),
                    accountid = table.Column<string>(type: "text", nullable: true),
                    participantid = table.Column<string>(type: "text", nullable: true),
                    occurredat = table.Column<long>(type: "bigint", nullable: true),
                    receivedat = table.Column<long>(type: "bigint", nullable: false),
                    messageid = table.Column<string>(type: "text", nullable: true),
                    text = table.Column<string>(type: "text", nullable: true),
                    @ref = table.Column<string>(name: "ref", type: "text", nullable: true),
                    refrejection = table.Column<string>(type: "text", nullable: true),
                    rawjson = table.Column<string>(type: "text", nullable: true),
                    conversationid = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhookevents", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "webhooksubscriptions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    url = table.Column<string>(type: "text", nullable: false),
                    events = table.Column<List<string>>(type: "text[]", nullable: false),
                    secret = table.Column<string>(type: "text", nullable: false),
                    previoussecret = table.Column<string>(type: "text", nullable: true),
                    previoussecretexpiresat = table.Column<long>(type: "bigint", nullable: true),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    createdat = table.Column<long>(type: "bigint", nullable: false),
                    disabledat = table.Column<long>(type: "bigint", nullable: true),
                    disabledreason = table.Column<string>(type: "text", nullable: true),
                    consecutivefailures = table.Column<int>(type: "integer", nullable: false),
                    failingsince = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhooksubscriptions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "aspnetroleclaims",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    roleid = table.Column<long>(type: "bigint", nullable: false),
                    claimtype = table.Column<string>(type: "text", nullable: true),
                    claimvalue = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_aspnetroleclaims", x => x.id);
                    table.ForeignKey(
                        name: "fk_aspnetroleclaims_aspnetroles_roleid",
                        column: x => x.roleid,
                        principalTable: "aspnetroles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "aspnetuserclaims",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    userid = table.Column<long>(type: "bigint", nullable: false),
                    claimtype = table.Column<string>(type: "text", nullable: true),
                    claimvalue = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_aspnetuserclaims", x => x.id);
                    table.ForeignKey(
                        name: "fk_aspnetuserclaims_aspnetusers_userid",
                        column: x => x.userid,
                        principalTable: "aspnetusers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "aspnetuserlogins",
                columns: table => new
                {
                    loginprovider = table.Column<string>(type: "text", nullable: false),
                    providerkey = table.Column<string>(type: "text", nullable: false),
                    providerdisplayname = table.Column<string>(type: "text", nullable: true),
                    userid = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_aspnetuserlogins", x => new { x.loginprovider, x.providerkey });
                    table.ForeignKey(
                        name: "fk_aspnetuserlogins_aspnetusers_userid",
                        column: x => x.userid,
                        principalTable: "aspnetusers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "aspnetuserroles",
                columns: table => new
                {
                    userid = table.Column<long>(type: "bigint", nullable: false),
                    roleid = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_aspnetuserroles", x => new { x.userid, x.roleid });
                    table.ForeignKey(
                        name: "fk_aspnetuserroles_aspnetroles_roleid",
                        column: x => x.roleid,
                        principalTable: "aspnetroles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_aspnetuserroles_aspnetusers_userid",
                        column: x => x.userid,
                        principalTable: "aspnetusers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "aspnetusertokens",
                columns: table => new
                {
                    userid = table.Column<long>(type: "bigint", nullable: false),
                    loginprovider = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_aspnetusertokens", x => new { x.userid, x.loginprovider, x.name });
                    table.ForeignKey(
                        name: "fk_aspnetusertokens_aspnetusers_userid",
                        column: x => x.userid,
                        principalTable: "aspnetusers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "conversations",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    platform = table.Column<string>(type: "text", nullable: false),
                    accountid = table.Column<string>(type: "text", nullable: false),
                    participantid = table.Column<string>(type: "text", nullable: false),
                    participantname = table.Column<string>(type: "text", nullable: true),
                    participantphone = table.Column<string>(type: "text", nullable: true),
                    participantuserid = table.Column<string>(type: "text", nullable: true),
                    participantparentuserid = table.Column<string>(type: "text", nullable: true),
                    participantusername = table.Column<string>(type: "text", nullable: true),
                    createdat = table.Column<long>(type: "bigint", nullable: false),
                    lastactivityat = table.Column<long>(type: "bigint", nullable: false),
                    windowexpiresat = table.Column<long>(type: "bigint", nullable: true),
                    firstreferralid = table.Column<long>(type: "bigint", nullable: true),
                    firstreferralat = table.Column<long>(type: "bigint", nullable: true),
                    latestreferralid = table.Column<long>(type: "bigint", nullable: true),
                    lastreferralat = table.Column<long>(type: "bigint", nullable: true),
                    messagecount = table.Column<int>(type: "integer", nullable: false),
                    hasinboundtext = table.Column<bool>(type: "boolean", nullable: false),
                    haswaitinggreeting = table.Column<bool>(type: "boolean", nullable: false),
                    simulated = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_conversations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "identityevents",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    conversationid = table.Column<long>(type: "bigint", nullable: false),
                    occurredat = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    detail = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_identityevents", x => x.id);
                    table.ForeignKey(
                        name: "fk_identityevents_conversations_conversationid",
                        column: x => x.conversationid,
                        principalTable: "conversations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "participantaliases",
                columns: table => new
                {
                    alias = table.Column<string>(type: "text", nullable: false),
                    platform = table.Column<string>(type: "text", nullable: false),
                    accountid = table.Column<string>(type: "text", nullable: false),
                    conversationid = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_participantaliases", x => new { x.alias, x.platform, x.accountid });
                    table.ForeignKey(
                        name: "fk_participantaliases_conversations_conversationid",
                        column: x => x.conversationid,
                        principalTable: "conversations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "referraltouches",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    conversationid = table.Column<long>(type: "bigint", nullable: false),
                    eventid = table.Column<long>(type: "bigint", nullable: false),
                    platform = table.Column<string>(type: "text", nullable: false),
                    accountid = table.Column<string>(type: "text", nullable: false),
                    participantid = table.Column<string>(type: "text", nullable: false),
                    simulated = table.Column<bool>(type: "boolean", nullable: false),
                    @ref = table.Column<string>(name: "ref", type: "text", nullable: true),
                    source = table.Column<string>(type: "text", nullable: true),
                    type = table.Column<string>(type: "text", nullable: true),
                    arrival = table.Column<string>(type: "text", nullable: false),
                    passive = table.Column<bool>(type: "boolean", nullable: false),
                    iscampaigntouch = table.Column<bool>(type: "boolean", nullable: false),
                    occurredat = table.Column<long>(type: "bigint", nullable: false),
                    receivedat = table.Column<long>(type: "bigint", nullable: false),
                    adid = table.Column<string>(type: "text", nullable: true),
                    triggerid = table.Column<long>(type: "bigint", nullable: true),
                    adscontextdata = table.Column<string>(type: "text", nullable: true),
                    body = table.Column<string>(type: "text", nullable: true),
                    ctwaclid = table.Column<string>(type: "text", nullable: true),
                    headline = table.Column<string>(type: "text", nullable: true),
                    imageurl = table.Column<string>(type: "text", nullable: true),
                    mediatype = table.Column<string>(type: "text", nullable: true),
                    payload = table.Column<string>(type: "text", nullable: true),
                    productid = table.Column<string>(type: "text", nullable: true),
                    refereruri = table.Column<string>(type: "text", nullable: true),
                    sourceid = table.Column<string>(type: "text", nullable: true),
                    sourcetype = table.Column<string>(type: "text", nullable: true),
                    sourceurl = table.Column<string>(type: "text", nullable: true),
                    thumbnailurl = table.Column<string>(type: "text", nullable: true),
                    videourl = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_referraltouches", x => x.id);
                    table.ForeignKey(
                        name: "fk_referraltouches_conversations_conversationid",
                        column: x => x.conversationid,
                        principalTable: "conversations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "aspnetroles",
                columns: new[] { "id", "concurrencystamp", "name", "normalizedname" },
                values: new object[,]
                {
                    { 1L, "role-1", "Owner", "OWNER" },
                    { 2L, "role-2", "Admin", "ADMIN" },
                    { 3L, "role-3", "Marketer", "MARKETER" },
                    { 4L, "role-4", "Viewer", "VIEWER" }
                });

            migrationBuilder.InsertData(
                table: "inboxcursors",
                columns: new[] { "id", "lastdeliveryid" },
                values: new object[] { 1, 0L });

            migrationBuilder.CreateIndex(
                name: "ix_apikeys_hash",
                table: "apikeys",
                column: "hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_aspnetroleclaims_roleid",
                table: "aspnetroleclaims",
                column: "roleid");

            migrationBuilder.CreateIndex(
                name: "rolenameindex",
                table: "aspnetroles",
                column: "normalizedname",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_aspnetuserclaims_userid",
                table: "aspnetuserclaims",
                column: "userid");

            migrationBuilder.CreateIndex(
                name: "ix_aspnetuserlogins_userid",
                table: "aspnetuserlogins",
                column: "userid");

            migrationBuilder.CreateIndex(
                name: "ix_aspnetuserroles_roleid",
                table: "aspnetuserroles",
                column: "roleid");

            migrationBuilder.CreateIndex(
                name: "emailindex",
                table: "aspnetusers",
                column: "normalizedemail");

            migrationBuilder.CreateIndex(
                name: "usernameindex",
                table: "aspnetusers",
                column: "normalizedusername",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_auditentries_action_occurredat",
                table: "auditentries",
                columns: new[] { "action", "occurredat" });

            migrationBuilder.CreateIndex(
                name: "ix_auditentries_actor_occurredat",
                table: "auditentries",
                columns: new[] { "actor", "occurredat" });

            migrationBuilder.CreateIndex(
                name: "ix_auditentries_entitytype_entityid",
                table: "auditentries",
                columns: new[] { "entitytype", "entityid" });

            migrationBuilder.CreateIndex(
                name: "ix_auditentries_occurredat",
                table: "auditentries",
                column: "occurredat");

            migrationBuilder.CreateIndex(
                name: "ix_businessaccounts_platform_accountid",
                table: "businessaccounts",
                columns: new[] { "platform", "accountid" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_conversations_firstreferralat_firstreferralid",
                table: "conversations",
                columns: new[] { "firstreferralat", "firstreferralid" });

            migrationBuilder.CreateIndex(
                name: "ix_conversations_firstreferralid",
                table: "conversations",
                column: "firstreferralid");

            migrationBuilder.CreateIndex(
                name: "ix_conversations_lastactivityat",
                table: "conversations",
                column: "lastactivityat");

            migrationBuilder.CreateIndex(
                name: "ix_conversations_latestreferralid",
                table: "conversations",
                column: "latestreferralid");

            migrationBuilder.CreateIndex(
                name: "ix_conversations_participantid_platform_accountid",
                table: "conversations",
                columns: new[] { "participantid", "platform", "accountid" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_conversationtags_label",
                table: "conversationtags",
                column: "label");

            migrationBuilder.CreateIndex(
                name: "ix_conversions_conversationid",
                table: "conversions",
                column: "conversationid");

            migrationBuilder.CreateIndex(
                name: "ix_conversions_currency_occurredat",
                table: "conversions",
                columns: new[] { "currency", "occurredat" });

            migrationBuilder.CreateIndex(
                name: "ix_conversions_externalid",
                table: "conversions",
                column: "externalid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_conversions_firsttouchid",
                table: "conversions",
                column: "firsttouchid");

            migrationBuilder.CreateIndex(
                name: "ix_conversions_lasttouchid",
                table: "conversions",
                column: "lasttouchid");

            migrationBuilder.CreateIndex(
                name: "ix_conversions_occurredat",
                table: "conversions",
                column: "occurredat");

            migrationBuilder.CreateIndex(
                name: "ix_identityevents_conversationid",
                table: "identityevents",
                column: "conversationid");

            migrationBuilder.CreateIndex(
                name: "ix_inbounddeliveries_receivedat",
                table: "inbounddeliveries",
                column: "receivedat");

            migrationBuilder.CreateIndex(
                name: "ix_outboundattempts_deliveryid",
                table: "outboundattempts",
                column: "deliveryid");

            migrationBuilder.CreateIndex(
                name: "ix_outbounddeliveries_createdat",
                table: "outbounddeliveries",
                column: "createdat");

            migrationBuilder.CreateIndex(
                name: "ix_outbounddeliveries_due",
                table: "outbounddeliveries",
                column: "nextattemptat",
                filter: "Status = 0");

            migrationBuilder.CreateIndex(
                name: "ix_outbounddeliveries_subscriptionid_id",
                table: "outbounddeliveries",
                columns: new[] { "subscriptionid", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_outgoingmessages_conversationid",
                table: "outgoingmessages",
                column: "conversationid");

            migrationBuilder.CreateIndex(
                name: "ix_outgoingmessages_referraltouchid",
                table: "outgoingmessages",
                column: "referraltouchid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_outgoingmessages_status_nextattemptat",
                table: "outgoingmessages",
                columns: new[] { "status", "nextattemptat" });

            migrationBuilder.CreateIndex(
                name: "ix_participantaliases_conversationid",
                table: "participantaliases",
                column: "conversationid");

            migrationBuilder.CreateIndex(
                name: "ix_referraltouches_accountid_occurredat",
                table: "referraltouches",
                columns: new[] { "accountid", "occurredat" });

            migrationBuilder.CreateIndex(
                name: "ix_referraltouches_adid_occurredat",
                table: "referraltouches",
                columns: new[] { "adid", "occurredat" });

            migrationBuilder.CreateIndex(
                name: "ix_referraltouches_conversationid_occurredat",
                table: "referraltouches",
                columns: new[] { "conversationid", "occurredat" });

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

            migrationBuilder.CreateIndex(
                name: "ix_triggerfirings_conversationid",
                table: "triggerfirings",
                column: "conversationid");

            migrationBuilder.CreateIndex(
                name: "ix_triggerfirings_referraltouchid",
                table: "triggerfirings",
                column: "referraltouchid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_triggerfirings_triggerid_conversationid",
                table: "triggerfirings",
                columns: new[] { "triggerid", "conversationid" });

            migrationBuilder.CreateIndex(
                name: "ix_webhookevents_conversationid_occurredat",
                table: "webhookevents",
                columns: new[] { "conversationid", "occurredat" });

            migrationBuilder.CreateIndex(
                name: "ix_webhookevents_dedupkey",
                table: "webhookevents",
                column: "dedupkey",
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "fk_conversations_referraltouches_firstreferralid",
                table: "conversations",
                column: "firstreferralid",
                principalTable: "referraltouches",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_conversations_referraltouches_latestreferralid",
                table: "conversations",
                column: "latestreferralid",
                principalTable: "referraltouches",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            // Written by hand: what SQLite does with NOCASE, FTS5 and a TEMP view, said in PostgreSQL's terms.

            // Refs are searched ignoring case: one expression index serves an exact ref (lower(ref) = ..., newest first)
            // and a prefix (lower(ref) LIKE 'abc%': text_pattern_ops compares bytes, whatever the database's collation).
            migrationBuilder.Sql("""
                CREATE INDEX ix_referraltouches_lowerref_occurredat ON referraltouches (lower(ref) text_pattern_ops, occurredat DESC);
                """);

            // Campaign keys group refs ignoring case, as on SQLite; a tag is on a conversation once whatever its case.
            migrationBuilder.Sql("""
                CREATE UNIQUE INDEX ix_campaignkeys_triggerid_lowerref_adid ON campaignkeys (triggerid, lower(ref), adid);
                CREATE UNIQUE INDEX ix_conversationtags_conversationid_lowerlabel ON conversationtags (conversationid, lower(label));
                """);

            // The feed's name search: trigram GIN over name and username (ILIKE '%...%' uses it), instead of an FTS5 table.
            migrationBuilder.Sql("""
                CREATE EXTENSION IF NOT EXISTS pg_trgm;
                CREATE INDEX ix_conversations_participant_trgm ON conversations
                    USING gin (participantname gin_trgm_ops, participantusername gin_trgm_ops);
                """);

            // Every distinct ref, for the feed's ref search (not in the model, as on SQLite).
            migrationBuilder.Sql("""
                CREATE TABLE feedrefs (ref text NOT NULL, CONSTRAINT pk_feedrefs PRIMARY KEY (ref));
                """);

            // The deliveries with their outcomes: the same columns as SqliteFiles.ViewSql, here a real view.
            migrationBuilder.Sql("""
                CREATE VIEW deliverieswithoutcomes AS
                SELECT d.id, d.receivedat, COALESCE(o.status, d.status) AS status, d.objecttype, d.body,
                       COALESCE(o.reason, d.reason) AS reason, o.processedat,
                       COALESCE(o.eventcount, 0) AS eventcount, COALESCE(o.duplicatecount, 0) AS duplicatecount,
                       COALESCE(o.rejectedeventcount, 0) AS rejectedeventcount, COALESCE(o.ignoredeventcount, 0) AS ignoredeventcount,
                       d.simulated
                FROM inbounddeliveries d LEFT JOIN deliveryoutcomes o ON o.deliveryid = d.id;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP VIEW deliverieswithoutcomes;");
            migrationBuilder.Sql("DROP TABLE feedrefs;");

            migrationBuilder.DropForeignKey(
                name: "fk_conversations_referraltouches_firstreferralid",
                table: "conversations");

            migrationBuilder.DropForeignKey(
                name: "fk_conversations_referraltouches_latestreferralid",
                table: "conversations");

            migrationBuilder.DropTable(
                name: "apikeys");

            migrationBuilder.DropTable(
                name: "aspnetroleclaims");

            migrationBuilder.DropTable(
                name: "aspnetuserclaims");

            migrationBuilder.DropTable(
                name: "aspnetuserlogins");

            migrationBuilder.DropTable(
                name: "aspnetuserroles");

            migrationBuilder.DropTable(
                name: "aspnetusertokens");

            migrationBuilder.DropTable(
                name: "auditentries");

            migrationBuilder.DropTable(
                name: "businessaccounts");

            migrationBuilder.DropTable(
                name: "campaigndays");

            migrationBuilder.DropTable(
                name: "campaignhours");

            migrationBuilder.DropTable(
                name: "campaignkeys");

            migrationBuilder.DropTable(
                name: "conversationtags");

            migrationBuilder.DropTable(
                name: "conversions");

            migrationBuilder.DropTable(
                name: "deliveryoutcomes");

            migrationBuilder.DropTable(
                name: "identityevents");

            migrationBuilder.DropTable(
                name: "inbounddeliveries");

            migrationBuilder.DropTable(
                name: "inboxcursors");

            migrationBuilder.DropTable(
                name: "outboundattempts");

            migrationBuilder.DropTable(
                name: "outbounddeliveries");

            migrationBuilder.DropTable(
                name: "outgoingmessages");

            migrationBuilder.DropTable(
                name: "pairidentities");

            migrationBuilder.DropTable(
                name: "participantaliases");

            migrationBuilder.DropTable(
                name: "touchquarters");

            migrationBuilder.DropTable(
                name: "triggerfirings");

            migrationBuilder.DropTable(
                name: "triggers");

            migrationBuilder.DropTable(
                name: "webhookevents");

            migrationBuilder.DropTable(
                name: "webhooksubscriptions");

            migrationBuilder.DropTable(
                name: "aspnetroles");

            migrationBuilder.DropTable(
                name: "aspnetusers");

            migrationBuilder.DropTable(
                name: "referraltouches");

            migrationBuilder.DropTable(
                name: "conversations");
        }
    }
}
