using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ReferralStudio.Audit;

public static class AuditExtensions
{
    public static WebApplicationBuilder AddAudit(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddHttpContextAccessor();
        // Scoped: a request's or a circuit's own; a circuit's scope lasts as long as the circuit.
        builder.Services.AddScoped<CurrentAuditActor>();
        builder.Services.AddScoped<IAuditActor>(services => services.GetRequiredService<CurrentAuditActor>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Scoped<CircuitHandler, AuditCircuitHandler>());
        return builder;
    }

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app) => app.MapAuditExport();
}
