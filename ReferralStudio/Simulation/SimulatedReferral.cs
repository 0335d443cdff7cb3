using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Api;
using ReferralStudio.Data;
using ReferralStudio.Inbox;
using ReferralStudio.Platforms;
using ReferralStudio.Triggers;
using ReferralStudio.Webhooks;

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

    /// <summary>
    /// Refuses what would never be attributed, with the reason next to the field: a ref is held to the rules the
    /// webhook pipeline applies (<see cref="CodeRules.Ref"/>), an ad id to the trigger editor's.
    /// </summary>
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
            errors.Check("adId", TriggerRules.AdId(AdId));

            // An ad referral may come without a ref; one that has a ref must carry a valid one.
            if (!string.IsNullOrEmpty(Ref))
            {
                errors.Check("ref", CodeRules.Ref(Ref));
            }
        }
        else
        {
            errors.Check("ref", CodeRules.Ref(Ref));
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

/// <summary>
/// What a simulated referral came to once the pipeline had processed it: the HTTP answer Meta would have seen and,
/// when it made one, the conversation and whether it was attributed.
/// </summary>
public sealed record SimulationOutcome(
    int Status,
    string Body,
    long? ConversationId,
    bool Attributed,
    string? Ref,
    string? TriggerName,
    bool StillProcessing)
{
    public bool Accepted => Status == 200;
}

/// <summary>Signs a simulated body with the app secret and sends it through this app's own /webhooks/meta.</summary>
public sealed class Simulator(
    IHttpClientFactory clients,
    MetaSigningKey key,
    Microsoft.AspNetCore.Hosting.Server.IServer server,
    DeliveryProgress progress,
    IDbContextFactory<AppDbContext> contexts)
{
    /// <summary>How long to wait for the processor before saying "still processing" rather than what happened.</summary>
    public static readonly TimeSpan ProcessingWait = TimeSpan.FromSeconds(15);

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

    /// <summary>
    /// Sends <paramref name="json"/>, waits (at most <see cref="ProcessingWait"/>) until the processor has handled it,
    /// then finds the touch it recorded for <paramref name="referral"/>'s participant.
    /// </summary>
    public async Task<SimulationOutcome> SendAndFollowAsync(SimulatedReferral referral, string json, CancellationToken cancellationToken)
    {
        long before;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            before = await db.ReferralTouches.MaxAsync(t => (long?)t.Id, cancellationToken) ?? 0;
        }

        var (status, body) = await SendAsync(json, cancellationToken);
        if (status != 200)
        {
            return new SimulationOutcome(status, body, null, false, null, null, false);
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(ProcessingWait);
        try
        {
            // The 200 means the delivery is stored, so it is at or below the last stored id waited for here.
            await progress.WhenIdleAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SimulationOutcome(status, body, null, false, null, null, StillProcessing: true);
        }

        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var touch = await db.ReferralTouches.AsNoTracking()
                .Where(t => t.Id > before && t.Simulated && t.Platform == referral.Platform && t.ParticipantId == referral.ParticipantId)
                .OrderByDescending(t => t.Id)
                .Select(t => new { t.ConversationId, t.IsCampaignTouch, t.Ref, t.TriggerId })
                .FirstOrDefaultAsync(cancellationToken);
            if (touch is null)
            {
                return new SimulationOutcome(status, body, null, false, null, null, false);
            }

            var trigger = touch.TriggerId is { } id
                ? await db.Triggers.AsNoTracking().Where(t => t.Id == id).Select(t => t.Name).FirstOrDefaultAsync(cancellationToken)
                : null;
            return new SimulationOutcome(status, body, touch.ConversationId, touch.IsCampaignTouch, touch.Ref, trigger, false);
        }
    }
}
