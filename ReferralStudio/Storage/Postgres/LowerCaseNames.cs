using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;

namespace ReferralStudio.Storage.Postgres;

/// <summary>
/// Lower-cases every name the model gives the database (tables, views, columns, keys, foreign keys, indexes), once the
/// model is complete, including the names set explicitly (ASP.NET Core Identity's tables, the extras' columns, named
/// indexes), which a naming-convention package leaves as they are. Unquoted SQL then means the same on both engines.
/// </summary>
internal sealed class LowerCaseNames : IModelFinalizingConvention
{
    public void ProcessModelFinalizing(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        foreach (var entity in modelBuilder.Metadata.GetEntityTypes())
        {
            // Columns first: their default names are derived from the table's store object.
            if (StoreObjectIdentifier.Create(entity, entity.GetTableName() is null ? StoreObjectType.View : StoreObjectType.Table) is { } store)
            {
                foreach (var property in entity.GetProperties())
                {
                    Lower(property.GetColumnName(store), name => property.SetColumnName(name));
                }

                foreach (var complex in entity.GetComplexProperties())
                {
                    LowerComplex(complex, store);
                }
            }

            Lower(entity.GetTableName(), name => entity.SetTableName(name));
            Lower(entity.GetViewName(), name => entity.SetViewName(name));
            foreach (var key in entity.GetDeclaredKeys())
            {
                Lower(key.GetName(), name => key.SetName(name));
            }

            foreach (var foreignKey in entity.GetDeclaredForeignKeys())
            {
                Lower(foreignKey.GetConstraintName(), name => foreignKey.SetConstraintName(name));
            }

            foreach (var index in entity.GetDeclaredIndexes())
            {
                Lower(index.GetDatabaseName(), name => index.SetDatabaseName(name));
            }
        }
    }

    private static void LowerComplex(IConventionComplexProperty complex, StoreObjectIdentifier store)
    {
        foreach (var property in complex.ComplexType.GetProperties())
        {
            Lower(property.GetColumnName(store), name => property.SetColumnName(name));
        }

        foreach (var nested in complex.ComplexType.GetComplexProperties())
        {
            LowerComplex(nested, store);
        }
    }

    private static void Lower(string? name, Action<string> set)
    {
        if (name is not null && name != name.ToLowerInvariant())
        {
            set(name.ToLowerInvariant());
        }
    }
}
