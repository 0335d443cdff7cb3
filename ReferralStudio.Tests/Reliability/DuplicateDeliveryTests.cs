using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Outbound;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Reliability;

/// <summary>
/// Meta resends deliveries: concurrently with the original, after our restart, and re-batched with other events.
/// Each referral must still give one attribution, one automation run (tags, greeting) and one outbound event, on
/// either engine.
/// </summary>
public abstract class DuplicateDeliveryScenarios : IAsyncLifetime
{
    private TestStore _store = null!;
    private LoopbackServer _receiver = null!;

    protected abstract TestStore NewStore();

    public async Task InitializeAsync()
    {
        _store = NewStore();
        await _store.PrepareAsync();
        _receiver = await LoopbackServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _store.DisposeAsync();
    }

    private Task<TestApp> StartAsync() => TestApp.StartAsync(_store.Path, systemClock: true, receivers: [_receiver], settings: _store.With(new Dictionary<string, string?>
    {
        ["Outbound:Retry:BaseDelay"] = "00:00:00.050",
        ["Outbound:Retry:JitterFraction"] = "0",
    }));

    [Fact]
    public async Task Resent_Deliveries_Give_One_Attribution_One_Automation_Run_And_One_Outbound_Event_Each()
    {
        var now = DateTimeOffset.UtcNow;
        var events = Enumerable.Range(0, 12).Select(i =>
        {
            var participant = Unique("dup");
            return (Participant: participant, Event: Message(participant, now.AddSeconds(-i), "hello", RefLink($"dup_{i}")));
        }).ToArray();
        var bodies = events.Select(e => Instagram(e.Event)).ToArray();

        await using (var first = await StartAsync())
        {
            var (status, _) = await first.Api.PostJsonAsync("/api/triggers", new
            {
                name = "Duplicates",
                pattern = "dup_*",
                actions = new { tags = new[] { "dup:{1}" }, greeting = new { text = "Welcome!", mode = "immediate" } },
            });
            Assert.Equal(HttpStatusCode.Created, status);
            var (subscribed, _) = await first.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url = new Uri(_receiver.BaseAddress, "hooks").ToString(), events = new[] { "referral.received" } });
            Assert.Equal(HttpStatusCode.Created, subscribed);

            // Originals, a third of them sent twice more at the same moment.
            var posts = bodies.SelectMany((body, i) => i % 3 == 0 ? [body, body, body] : new[] { body }).Select(body => first.PostWebhookAsync(body));
            Assert.All(await Task.WhenAll(posts), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            await first.WhenIdleAsync();
        }

        await using var second = await StartAsync();
        // After the restart: a quarter resent alone, others re-batched into one delivery with a new event.
        foreach (var body in bodies.Where((_, i) => i % 4 == 1))
        {
            await second.DeliverAsync(body);
        }

        var fresh = Unique("dup");
        await second.DeliverAsync(Envelope("instagram",
            Entry(InstagramAccount, events[2].Event, Message(fresh, now, "new here", RefLink("dup_fresh"))),
            Entry(InstagramAccount, events[7].Event, events[2].Event)));

        var participants = events.Select(e => e.Participant).Append(fresh).ToArray();
        await using var db = _store.Open();
        foreach (var participant in participants)
        {
            var touch = await db.ReferralTouches.SingleAsync(t => t.ParticipantId == participant);
            Assert.Equal(1, await db.TriggerFirings.CountAsync(f => f.ReferralTouchId == touch.Id));
            Assert.Equal(1, await db.OutgoingMessages.CountAsync(m => m.ConversationId == touch.ConversationId));
            Assert.Equal(1, await db.ConversationTags.CountAsync(t => t.ConversationId == touch.ConversationId));
        }

        var outbound = await db.OutboundDeliveries.Where(d => d.EventType == "referral.received").ToListAsync();
        Assert.Equal(participants.Length, outbound.Count);
        var dispatcher = second.Services.GetRequiredService<OutboundDispatcher>();
        foreach (var delivery in outbound)
        {
            var settled = dispatcher.Settled.WhenSettledAsync(delivery.Id);
            await using var check = _store.Open();
            if ((await check.OutboundDeliveries.SingleAsync(d => d.Id == delivery.Id)).Status == OutboundStatus.Pending)
            {
                await settled.WaitAsync(TimeSpan.FromSeconds(60));
            }
        }

        var received = _receiver.Requests.GroupBy(r => r.Header("webhook-id")).Select(g => g.First()).ToList();
        Assert.Equal(participants.Length, received.Count);
        var senders = received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("data").GetProperty("sender").Str("id")).ToList();
        Assert.Equal(participants.Order(), senders.Order());
    }
}

public sealed class DuplicateDeliveryTests : DuplicateDeliveryScenarios
{
    protected override TestStore NewStore() => TestStore.Sqlite();
}

public sealed class PostgresDuplicateDeliveryTests : DuplicateDeliveryScenarios
{
    protected override TestStore NewStore() => TestStore.Postgres();
}
