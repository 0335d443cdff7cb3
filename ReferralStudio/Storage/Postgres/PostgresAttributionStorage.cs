using Microsoft.Extensions.Options;
using Npgsql;
using ReferralStudio.Attribution;
using ReferralStudio.Outbound;
using ReferralStudio.Triggers;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Storage.Postgres;

/// <summary>Opens the attribution processor's writers on the PostgreSQL database, each on a connection of its own.</summary>
public sealed class PostgresAttributionStorage(
    NpgsqlDataSource database,
    IOptions<WhatsAppOptions> whatsApp,
    TriggerCatalog triggers,
    OutboundQueue outbound,
    TimeProvider time) : IAttributionStorage
{
    public IAttributionWriter OpenWriter()
    {
        var connection = database.OpenConnection();
        try
        {
            return new AttributionWriter(new PostgresWriterSession(connection), new PrefilledTextRefExtractor(whatsApp.Value.TextRefPattern),
                triggers, outbound, time);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
