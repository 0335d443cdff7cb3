using System.Text;
using Microsoft.Extensions.Options;
using ReferralStudio.Messaging;
using ReferralStudio.Outbound.Retry;

namespace ReferralStudio.MetaConversions;

/// <summary>What one Conversions API call came to.</summary>
public sealed record ConversionsApiResult(bool Sent, bool Retryable, int? StatusCode, string? Error, TimeSpan? RetryAfter);

/// <summary>
/// Posts one event to <c>POST /{version}/{dataset_id}/events</c> with the token as <c>access_token</c>, as Meta's
/// documentation of the Conversions API for Business Messaging shows. The client's request logging is removed
/// (<see cref="MetaConversionsExtensions"/>): the query holds the token.
/// </summary>
public sealed class ConversionsApiClient(HttpClient http, IOptions<MetaConversionsOptions> options, TimeProvider time)
{
    public const string HttpClientName = "meta-conversions";

    public async Task<ConversionsApiResult> SendAsync(string datasetId, string token, string payload, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var url = $"{settings.GraphApiBaseUrl.TrimEnd('/')}/{settings.GraphApiVersion}/{Uri.EscapeDataString(datasetId)}/events?access_token={Uri.EscapeDataString(token)}";
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(MetaConversionPlanner.RequestBody(payload), Encoding.UTF8, "application/json"),
        };

        var answer = await GraphApiCall.SendAsync(http, request, settings.Timeout, cancellationToken);
        if (answer.Status is not { } status)
        {
            return new ConversionsApiResult(false, true, null, answer.TimedOut ? $"Timed out after {settings.Timeout.TotalSeconds:0.#} s." : answer.Failure, null);
        }

        if (answer.Succeeded)
        {
            return new ConversionsApiResult(true, false, (int)status, null, null);
        }

        var retryAfter = RetrySchedule.ParseRetryAfter(answer.RetryAfter?.ToString(), time.GetUtcNow());
        return new ConversionsApiResult(false, answer.Retryable, (int)status, GraphApiErrors.Describe(answer.Content) ?? $"HTTP {(int)status}", retryAfter);
    }
}
