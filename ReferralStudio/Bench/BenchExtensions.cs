using System.Buffers;

namespace ReferralStudio.Bench;

/// <summary>
/// Benchmark-only routes, mapped only when <c>Bench:BareEndpoint=true</c> (never set in production):
/// <c>POST /bench/bare</c> reads the whole body and answers 200, the ceiling the webhook is measured against.
/// </summary>
public static class BenchExtensions
{
    public const string BarePath = "/bench/bare";

    public static WebApplication MapBench(this WebApplication app)
    {
        if (app.Configuration.GetValue("Bench:BareEndpoint", false))
        {
            app.MapPost(BarePath, ReadAllAsync).ExcludeFromDescription().DisableAntiforgery();
        }

        return app;
    }

    private static async Task ReadAllAsync(HttpContext context)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
    }
}
