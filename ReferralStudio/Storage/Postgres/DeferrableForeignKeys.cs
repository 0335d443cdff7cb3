using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.Internal;
using Npgsql.EntityFrameworkCore.PostgreSQL.Migrations;

namespace ReferralStudio.Storage.Postgres;

/// <summary>
/// Every foreign key the migrations create is <c>DEFERRABLE INITIALLY IMMEDIATE</c>: checked at once everywhere, except
/// in the attribution writer's transactions, which defer them to the commit (SQLite's writer runs without them): a new
/// conversation's row is written at commit, after the touches and events that name it. Generated when a migration is
/// applied, so every foreign key of every migration gets it without editing the generated files.
/// </summary>
#pragma warning disable EF1001 // Npgsql's generator takes its options through an internal interface; this only forwards it.
internal sealed class DeferrableForeignKeys(MigrationsSqlGeneratorDependencies dependencies, INpgsqlSingletonOptions options)
    : NpgsqlMigrationsSqlGenerator(dependencies, options)
#pragma warning restore EF1001
{
    protected override void ForeignKeyConstraint(AddForeignKeyOperation operation, IModel? model, MigrationCommandListBuilder builder)
    {
        base.ForeignKeyConstraint(operation, model, builder);
        builder.Append(" DEFERRABLE INITIALLY IMMEDIATE");
    }
}
