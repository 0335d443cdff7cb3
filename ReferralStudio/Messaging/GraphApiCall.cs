using System.Net;
using System.Net.Http.Headers;

namespace ReferralStudio.Messaging;

/// <summary>
/// What one Graph API request came to, before a client reads it: Meta's answer (status, body, Retry-After), or the
/// connection's failure or the timeout. <see cref="Retryable"/> is the one rule for every Graph client: 429, 408, 5xx and
/// no answer at all are worth asking again; Meta's other 4xx (a bad token, an unknown account, a refused event) are not.
/// </summary>
public sealed record GraphApiResponse(
    HttpStatusCode? Status, string Content, string? ReasonPhrase, RetryConditionHeaderValue? RetryAfter, bool TimedOut, string? Failure)
{
    public bool Succeeded => Status is { } status && (int)status is >= 200 and < 300;

    public bool Retryable => Status is not { } status
        || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;
}

/// <summary>Sends one request to the Graph API within a timeout: the send, the reading and the failure handling every client shares.</summary>
public static class GraphApiCall
{
    public static async Task<GraphApiResponse> SendAsync(HttpClient http, HttpRequestMessage request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            using var response = await http.SendAsync(request, deadline.Token);
            var content = await response.Content.ReadAsStringAsync(deadline.Token);
            return new GraphApiResponse(response.StatusCode, content, response.ReasonPhrase, response.Headers.RetryAfter, false, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The message of a failed connection names host and port only, never a query that may hold a token.
            return ex is OperationCanceledException
                ? new GraphApiResponse(null, "", null, null, true, null)
                : new GraphApiResponse(null, "", null, null, false, ex.Message);
        }
    }
}
