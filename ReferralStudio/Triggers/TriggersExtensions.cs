namespace ReferralStudio.Triggers;

public static class TriggersExtensions
{
    public static WebApplicationBuilder AddTriggers(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TriggerCatalog>();
        builder.Services.AddSingleton<TriggerService>();
        return builder;
    }

    /// <summary>Compiles the enabled triggers before the first delivery is processed.</summary>
    public static Task LoadTriggersAsync(this WebApplication app) =>
        app.Services.GetRequiredService<TriggerCatalog>().ReloadAsync();
}
