using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ReferralStudio.Tests.Infrastructure;

/// <summary>A request the loopback server received, as it arrived.</summary>
public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}

/// <summary>A scripted answer: status, optional body and headers.</summary>
public sealed record ScriptedResponse(int Status, string Body = "", IReadOnlyDictionary<string, string>? Headers = null, TimeSpan? Delay = null);

/// <summary>
/// A real HTTP server on 127.0.0.1 standing in for what lives outside: Meta's Graph API or an
/// integrator's webhook receiver. It answers from a script (then a default) and records every request.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ScriptedResponse> _script = new();
    private readonly Channel<ReceivedRequest> _received = Channel.CreateUnbounded<ReceivedRequest>();
    private readonly Channel<ReceivedRequest> _arrived = Channel.CreateUnbounded<ReceivedRequest>();
    private readonly List<ReceivedRequest> _all = [];

    private LoopbackServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public ScriptedResponse Default { get; set; } = new(200, "{}");

    public IReadOnlyList<ReceivedRequest> Requests
    {
        get
        {
            lock (_all)
            {
                return [.. _all];
            }
        }
    }

    public static async Task<LoopbackServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new LoopbackServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    /// <summary>Queues answers for the next requests, in order.</summary>
    public void Enqueue(params ScriptedResponse[] responses)
    {
        foreach (var response in responses)
        {
            _script.Enqueue(response);
        }
    }

    /// <summary>Waits for the next request to arrive (bounded so a broken test fails instead of hanging).</summary>
    public async Task<ReceivedRequest> NextRequestAsync(TimeSpan? timeout = null) =>
        await _received.Reader.ReadAsync().AsTask().WaitAsync(timeout ?? TimeSpan.FromSeconds(30));

    /// <summary>
    /// The next request as soon as its body is read, before it is answered: with a delayed answer, the moment the
    /// caller is waiting on this server (a kill test stops the caller there).
    /// </summary>
    public async Task<ReceivedRequest> NextArrivalAsync(TimeSpan? timeout = null) =>
        await _arrived.Reader.ReadAsync().AsTask().WaitAsync(timeout ?? TimeSpan.FromSeconds(30));

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var request = new ReceivedRequest(
            context.Request.Method,
            context.Request.Path + context.Request.QueryString,
            context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            buffer.ToArray());
        lock (_all)
        {
            _all.Add(request);
        }

        _arrived.Writer.TryWrite(request);

        var answer = _script.TryDequeue(out var scripted) ? scripted : Default;
        if (answer.Delay is { } delay)
        {
            await Task.Delay(delay, context.RequestAborted).ContinueWith(_ => { });
        }

        context.Response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer.Body);
        // Recorded after answering, so a waiting test sees the request once its response is on the way.
        _received.Writer.TryWrite(request);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
