using System.Net;
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

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(settings.Timeout);
            using var response = await http.SendAsync(request, timeout.Token);
            var content = await response.Content.ReadAsStringAsync(timeout.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new ConversionsApiResult(true, false, status, null, null);
            }

            // Meta's 4xx answers (a bad token, an unknown dataset, an event it refuses) stay refused however often asked.
            var retryable = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || status >= 500;
            var retryAfter = RetrySchedule.ParseRetryAfter(response.Headers.RetryAfter?.ToString(), time.GetUtcNow());
            return new ConversionsApiResult(false, retryable, status, GraphApiErrors.Describe(content) ?? $"HTTP {status}", retryAfter);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The message of a failed connection names host and port only, never the query with the token.
            var error = ex is OperationCanceledException ? $"Timed out after {settings.Timeout.TotalSeconds:0.#} s." : ex.Message;
            return new ConversionsApiResult(false, true, null, error, null);
        }
    }
}
