using Microsoft.Extensions.Caching.Memory;
using ReferralStudio.Auth;

namespace ReferralStudio.Components.Studio;

/// <summary>
/// Built kits wait in memory for a short while and download over plain HTTP, instead of pushing
/// megabytes through the Blazor circuit.
/// </summary>
public static class KitDownloads
{
    public static string CacheKey(string id) => "kit:" + id;

    public static IEndpointRouteBuilder MapKitDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/studio/kits/{id}.zip", (string id, IMemoryCache cache) =>
                cache.TryGetValue(CacheKey(id), out byte[]? zip) && zip is not null
                    ? Results.File(zip, "application/zip", $"affiliate-kit-{id[..8]}.zip")
                    : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Kit expired", detail: "Build the kit again; downloads are kept for 15 minutes."))
            .RequireAuthorization(StudioRoles.Policies.Edit)
            .ExcludeFromDescription();
        return app;
    }
}
