using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using ReferralStudio.Api;
using ReferralStudio.Live;

namespace ReferralStudio.Tests.Live;

/// <summary>
/// What the server saw of hub clients: for each request to /hubs/attribution, which SignalR step it is
/// (negotiate, WebSocket, Server-Sent Events stream, long poll, send), where its key was and the status
/// answered. Runs ahead of the app's whole pipeline (a startup filter); it only observes.
/// </summary>
public sealed class HubRequestRecorder : IStartupFilter
{
    private readonly List<Entry> _entries = [];

    /// <summary>One request; <see cref="Status"/> is set when the response starts (101 for a WebSocket).</summary>
    public sealed record Entry(string Method, string Kind, bool BearerHeader, bool QueryToken, string? Case)
    {
        public int? Status { get; set; }
    }

    /// <summary>The requests whose URL carried <c>case=<paramref name="caseId"/></c> (SignalR's client keeps the hub URL's query).</summary>
    public IReadOnlyList<Entry> For(string caseId)
    {
        lock (_entries)
        {
            return _entries.Where(e => e.Case == caseId).ToList();
        }
    }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextStep) =>
        {
            if (context.Request.Path.StartsWithSegments(AttributionHub.Path))
            {
                var request = context.Request;
                var entry = new Entry(
                    request.Method,
                    KindOf(context),
                    request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase),
                    request.Query.ContainsKey(ApiKeyAuthenticationHandler.AccessTokenParameter),
                    request.Query["case"].ToString());
                // Recorded before the client can see the answer, so a test reading it after the client's report never races.
                context.Response.OnStarting(() =>
                {
                    entry.Status = context.Response.StatusCode;
                    return Task.CompletedTask;
                });
                lock (_entries)
                {
                    _entries.Add(entry);
                }
            }

            await nextStep(context);
        });
        next(app);
    };

    private static string KindOf(HttpContext context) =>
        context.Request.Path.Value!.EndsWith("/negotiate", StringComparison.OrdinalIgnoreCase) ? "negotiate"
        // The upgrade header itself: WebSocket support is added further in, inside the hub's endpoint.
        : string.Equals(context.Request.Headers.Upgrade, "websocket", StringComparison.OrdinalIgnoreCase) ? "websockets"
        : HttpMethods.IsGet(context.Request.Method) && context.Request.Headers.Accept.ToString().Contains("text/event-stream") ? "sse"
        : HttpMethods.IsGet(context.Request.Method) ? "poll"
        : HttpMethods.IsPost(context.Request.Method) ? "send"
        : context.Request.Method.ToLowerInvariant();
}
