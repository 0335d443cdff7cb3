namespace ReferralStudio.Tests.Infrastructure;

/// <summary>
/// A phone's camera app scanning <c>/go/</c> links on an app: it would follow the 302 to Instagram, Messenger or
/// WhatsApp; the tests read the answer instead.
/// </summary>
public sealed class Scanner(Uri baseAddress) : IDisposable
{
    public const string IPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = baseAddress };

    /// <summary>One scan of <paramref name="slug"/>; a null <paramref name="userAgent"/> sends none.</summary>
    public async Task<HttpResponseMessage> ScanAsync(string slug, string? userAgent = IPhone, HttpMethod? method = null, (string Name, string Value)? header = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, $"/go/{slug}");
        if (userAgent is not null)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }

        if (header is { } extra)
        {
            request.Headers.TryAddWithoutValidation(extra.Name, extra.Value);
        }

        return await _http.SendAsync(request);
    }

    public void Dispose() => _http.Dispose();
}
