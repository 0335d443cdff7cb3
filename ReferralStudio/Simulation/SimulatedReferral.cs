using System.Text.Json;
using ReferralStudio.Api;
using ReferralStudio.Platforms;
using ReferralStudio.Webhooks;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Simulation;

/// <summary>What the simulator form asks for.</summary>
public sealed record SimulatedReferral(
    string Platform,
    string Arrival,
    string AccountId,
    string ParticipantId,
    string? Ref,
    string? AdId,
    string? CtwaClid,
    string? Text,
    DateTimeOffset OccurredAt)
{
    public static readonly string[] Arrivals = ["standalone", "first_message", "postback", "ad", "prefilled_text"];

    /// <summary>Which arrival forms exist on a platform (WhatsApp has ads and pre-filled text only).</summary>
    public static IReadOnlyList<string> ArrivalsFor(string platform) =>
        platform == PlatformNames.WhatsApp ? ["ad", "prefilled_text"] : ["standalone", "first_message", "postback", "ad"];

    public FieldErrors Validate()
    {
        var errors = new FieldErrors();
        errors.Platform("platform", Platform);
        if (!ArrivalsFor(Platform).Contains(Arrival))
        {
            errors.Add("arrival", $"On {Platform} a referral arrives as {string.Join(", ", ArrivalsFor(Platform))}.");
        }

        if (string.IsNullOrWhiteSpace(AccountId) || AccountId.Length > 64)
        {
            errors.Add("accountId", "The business account id is required (the Page, Instagram account or phone number id).");
        }

        if (string.IsNullOrWhiteSpace(ParticipantId) || ParticipantId.Length > 64)
        {
            errors.Add("participantId", "The participant id is required (a PSID, IGSID or phone number).");
        }

        if (Arrival == "ad")
        {
            if (string.IsNullOrWhiteSpace(AdId))
            {
                errors.Add("adId", "An ad referral needs an ad id.");
            }

            if (!string.IsNullOrEmpty(Ref))
            {
                errors.Check("ref", RefValidator.Validate(Ref));
            }
        }
        else if (string.IsNullOrEmpty(Ref))
        {
            errors.Add("ref", "Enter the ref code the link carries.");
        }
        else
        {
            // Invalid refs are allowed on purpose: the simulator shows how they are rejected.
            if (Ref.Length > RefValidator.MaxLength * 2)
            {
                errors.Add("ref", "That is far longer than any ref Meta would send.");
            }
        }

        return errors;
    }

    /// <summary>The webhook body Meta would send, marked as simulated inside the signed JSON.</summary>
    public string ToJson()
    {
        var id = Guid.NewGuid().ToString("N");
        object body = Platform == PlatformNames.WhatsApp ? WhatsApp(id) : Messaging(id);
        return JsonSerializer.Serialize(body);
    }

    private object Messaging(string id)
    {
        var ms = OccurredAt.ToUnixTimeMilliseconds();
        var referral = Arrival == "ad"
            ? (object)new { @ref = string.IsNullOrEmpty(Ref) ? null : Ref, ad_id = AdId, source = "ADS", type = "OPEN_THREAD", ads_context_data = new { ad_title = "Simulated ad" } }
            : new { @ref = Ref, source = Platform == PlatformNames.Instagram ? "SHORTLINKS" : "SHORTLINK", type = "OPEN_THREAD" };
        object evt = Arrival switch
        {
            "standalone" => new { sender = new { id = ParticipantId }, recipient = new { id = AccountId }, timestamp = ms, referral },
            "postback" => new { sender = new { id = ParticipantId }, recipient = new { id = AccountId }, timestamp = ms, postback = new { mid = "sim-pb-" + id, title = "Get Started", payload = "GET_STARTED", referral } },
            _ => new { sender = new { id = ParticipantId }, recipient = new { id = AccountId }, timestamp = ms, message = new { mid = "sim-m-" + id, text = Text ?? "Hi!", referral } },
        };
        return new Dictionary<string, object>
        {
            ["object"] = Platform == PlatformNames.Instagram ? "instagram" : "page",
            [EnvelopeCheck.SimulatedProperty] = true,
            ["entry"] = new[] { new { id = AccountId, time = ms, messaging = new[] { evt } } },
        };
    }

    private object WhatsApp(string id)
    {
        var seconds = OccurredAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        object message = Arrival == "ad"
            ? new
            {
                from = ParticipantId, id = "wamid.sim-" + id, timestamp = seconds, type = "text", text = new { body = Text ?? "Hi! I saw your ad" },
                referral = new { source_url = "https://fb.me/simulated", source_id = AdId, source_type = "ad", headline = "Simulated ad", body = "Simulated", media_type = "image", ctwa_clid = string.IsNullOrEmpty(CtwaClid) ? null : CtwaClid },
            }
            : new { from = ParticipantId, id = "wamid.sim-" + id, timestamp = seconds, type = "text", text = new { body = string.IsNullOrEmpty(Text) ? $"Hi! ref: {Ref}" : Text } };
        return new Dictionary<string, object>
        {
            ["object"] = "whatsapp_business_account",
            [EnvelopeCheck.SimulatedProperty] = true,
            ["entry"] = new[]
            {
                new
                {
                    id = "simulated-waba",
                    changes = new[] { new { field = "messages", value = new { messaging_product = "whatsapp", metadata = new { display_phone_number = "15550000000", phone_number_id = AccountId }, messages = new[] { message } } } },
                },
            },
        };
    }
}

/// <summary>Signs a simulated body with the app secret and sends it through this app's own /webhooks/meta.</summary>
public sealed class Simulator(IHttpClientFactory clients, MetaSigningKey key, Microsoft.AspNetCore.Hosting.Server.IServer server)
{
    /// <summary>Sends <paramref name="json"/> (from <see cref="SimulatedReferral.ToJson"/>) exactly as given.</summary>
    public async Task<(int Status, string Body)> SendAsync(string json, CancellationToken cancellationToken)
    {
        var body = System.Text.Encoding.UTF8.GetBytes(json);
        var address = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First()
            .Replace("://+", "://localhost").Replace("://*", "://localhost").Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://localhost");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(address), WebhookEndpoints.Path)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(WebhookEndpoints.SignatureHeader, MetaSignature.Sign(body, key.Bytes));
        using var response = await clients.CreateClient().SendAsync(request, cancellationToken);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }
}
