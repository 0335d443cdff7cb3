namespace ReferralStudio.Inbox;

public static class InboxExtensions
{
    /// <summary>The group commit in front of the engine's inbox (registered by the engine, see <see cref="IInbox"/>).</summary>
    public static WebApplicationBuilder AddInbox(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DeliveryProgress>();
        // On the system's monotonic clock, not the app's TimeProvider: a surge is about scheduling now.
        builder.Services.AddSingleton(new IngestPressure(TimeProvider.System));
        builder.Services.AddSingleton<InboxWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<InboxWriter>());
        builder.Services.AddOptions<InboxOptions>()
            .BindConfiguration(InboxOptions.Section)
            .Validate(
                o => o.RetainProcessedBodiesFor is null || o.RetainProcessedBodiesFor > TimeSpan.Zero,
                "Inbox:RetainProcessedBodiesFor must be a positive duration (e.g. 30.00:00:00 for 30 days), or unset to keep every body.")
            .ValidateOnStart();
        return builder;
    }
}
