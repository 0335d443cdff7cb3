using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Conversions;
using ReferralStudio.Data;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Conversions;

/// <summary>
/// Campaign analytics read from the rollup equal the base-table query they replaced, for any range, while
/// signed webhooks and conversions arrive through the real app in a seeded random mix: new and returning
/// people, touches out of order (a late earlier touch becomes the first touch), several triggers, codes in two
/// spellings, ads, conversions before and after touches, times on and around day and hour boundaries.
/// </summary>
public class CampaignRollupTests : IAsyncLifetime
{
    private readonly TestStore _store;
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-11-10T00:00:00Z");
    private const int Seed = 20261121;
    private TestApp _app = null!;

    public CampaignRollupTests()
        : this(TestStore.Sqlite())
    {
    }

    /// <summary>The same tests on another engine (<see cref="PostgresCampaignRollupTests"/>).</summary>
    protected CampaignRollupTests(TestStore store) => _store = store;

    public async Task InitializeAsync()
    {
        _app = await _store.StartAppAsync();
        await _app.Api.PostJsonAsync("/api/triggers", new { name = "Spring", pattern = "spring_*" });
        await _app.Api.PostJsonAsync("/api/triggers", new { name = "Alice", pattern = "collab_alice" });
        await _app.Api.PostJsonAsync("/api/triggers", new { name = "Summer ads", pattern = "summer_ad", adIds = new[] { "120210000000001" } });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task Rollup_Report_Equals_The_Base_Table_Query_For_Any_Range()
    {
        var random = new Random(Seed);
        var scenario = new Scenario(random);
        for (var round = 0; round < 12; round++)
        {
            for (var i = 0; i < 8; i++)
            {
                await _app.DeliverAsync(scenario.Delivery());
            }

            for (var i = 0; i < 4; i++)
            {
                var (status, _) = await _app.Api.PostJsonAsync("/api/conversions", scenario.Conversion());
                Assert.True(status is HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.BadRequest, $"conversion: {status}");
            }

            // Along the way too: the key cache and the rollup catch up between reports.
            foreach (var (since, until) in scenario.Ranges(6))
            {
                await CampaignCheck.SameAsReferenceAsync(_app, random.Next(2) == 0, since, until, $"round {round}");
            }
        }

        foreach (var first in new[] { true, false })
        {
            await CampaignCheck.SameAsReferenceAsync(_app, first, null, null, "everything");
            foreach (var (since, until) in scenario.Ranges(120))
            {
                await CampaignCheck.SameAsReferenceAsync(_app, first, since, until, "final");
            }
        }

        // A cache holding a few rows: runs too long to keep are only summed, and the least used buckets make way.
        var small = new CampaignCaches(new CampaignKeyCache(), new CampaignRollupCache(limit: 40));
        foreach (var (since, until) in scenario.Ranges(40))
        {
            await CampaignCheck.SameAsReferenceAsync(_app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext, small, random.Next(2) == 0, since, until, "small cache");
            Assert.InRange(small.Rollup.Rows, 0, 40);
        }

        await CampaignCheck.RollupEqualsRebuildAsync(_app);
    }

    /// <summary>
    /// Reports keep the days they read (<see cref="CampaignRollupCache"/>); each way a closed day's rows change makes the next
    /// report read that day again: a later touch moving a conversation's last touch off it, a conversion crediting its
    /// touch, and erasing a participant.
    /// </summary>
    [Fact]
    public async Task A_Kept_Day_Is_Read_Again_After_Each_Kind_Of_Change_To_It()
    {
        const string alice = "IGSID-kept-alice";
        await _app.DeliverAsync(Instagram(Referral(alice, T0.AddHours(10), "spring_feed")));
        await _app.DeliverAsync(Instagram(Referral("IGSID-kept-ben", T0.AddDays(1).AddHours(10), "collab_alice")));
        await SameOverThreeDaysAsync("read");
        Assert.NotEqual(0, _app.Services.GetRequiredService<CampaignCaches>().Rollup.Rows);

        await _app.DeliverAsync(Instagram(Referral(alice, T0.AddDays(2).AddHours(1), "spring_story")));
        await SameOverThreeDaysAsync("after alice's later touch");

        var (status, _) = await _app.Api.PostJsonAsync("/api/conversions", new
        {
            platform = "instagram", participantId = alice, type = "purchase", value = 25.5, currency = "EUR",
            occurredAt = T0.AddDays(2).AddHours(3), externalId = "kept-order-1",
        });
        Assert.Equal(HttpStatusCode.Created, status);
        await SameOverThreeDaysAsync("after alice's conversion");

        var conversation = (await _app.Api.GetJsonAsync($"/api/conversations?participantId={alice}")).GetProperty("items")[0].GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await _app.Api.SendJsonAsync(HttpMethod.Delete, $"/api/conversations/{conversation}/personal-data")).Status);
        await SameOverThreeDaysAsync("after erasing alice");

        async Task SameOverThreeDaysAsync(string context)
        {
            foreach (var first in new[] { true, false })
            {
                await CampaignCheck.SameAsReferenceAsync(_app, first, T0, T0.AddDays(3), context);
            }
        }
    }

    /// <summary>Random deliveries, conversions and report ranges over a week around <see cref="T0"/>.</summary>
    private sealed class Scenario(Random random)
    {
        private static readonly string?[] Refs =
            ["spring_feed", "SPRING_FEED", "spring_story", "collab_alice", "Collab_Alice", "loose_code", "other-1", "summer_ad", null];
        private static readonly string?[] Ads = [null, null, null, "120210000000001", "120210000000002", "7"];
        private readonly List<(string Platform, string Participant)> _people = [];
        private readonly List<DateTimeOffset> _times = [];
        private int _conversions;

        public string Delivery()
        {
            var instagram = random.Next(3) > 0;
            var platform = instagram ? "instagram" : "messenger";
            var events = new List<object>();
            string? previous = null;
            for (var n = random.Next(1, 5); n > 0; n--)
            {
                // Returning people often, and the same person twice in one delivery (one transaction) now and then.
                var known = _people.Where(p => p.Platform == platform).Select(p => p.Participant).ToList();
                var sender = previous is not null && random.Next(3) == 0 ? previous
                    : known.Count > 0 && random.Next(3) > 0 ? known[random.Next(known.Count)]
                    : NewPerson(instagram);
                events.Add(Event(sender, instagram ? InstagramAccount : PageId));
                previous = sender;
            }

            return instagram ? Instagram([.. events]) : Messenger([.. events]);
        }

        public object Conversion()
        {
            _conversions++;
            var (platform, participant) = _people.Count == 0 ? ("instagram", "nobody") : _people[random.Next(_people.Count)];
            var value = random.Next(4) switch
            {
                0 => (double?)null,
                1 => 0,
                _ => random.Next(1, 50_000) / 100.0,
            };
            // Now and then a repeat of an earlier external id: recorded once.
            var externalId = _conversions > 3 && random.Next(8) == 0 ? $"order-{random.Next(1, _conversions)}" : $"order-{_conversions}";
            return new { platform, participantId = participant, type = value is null ? "signup" : "purchase", value, currency = "EUR", occurredAt = Time(), externalId };
        }

        /// <summary>Ranges with ends on days, on hours, on event times, a millisecond off them, or anywhere.</summary>
        public IEnumerable<(DateTimeOffset? Since, DateTimeOffset? Until)> Ranges(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var a = Point();
                var b = random.Next(6) == 0 ? a : Point();
                if (a > b)
                {
                    (a, b) = (b, a);
                }

                yield return random.Next(12) switch
                {
                    0 => (null, b),
                    1 => (a, null),
                    _ => (a, b),
                };
            }
        }

        private string NewPerson(bool instagram)
        {
            var participant = $"{(instagram ? "IGSID" : "PSID")}-{_people.Count + 1}";
            _people.Add((instagram ? "instagram" : "messenger", participant));
            return participant;
        }

        private object Event(string sender, string account)
        {
            var at = Time();
            var @ref = Refs[random.Next(Refs.Length)];
            var ad = Ads[random.Next(Ads.Length)];
            var referral = ad is not null ? AdReferral(ad, @ref) : @ref is null ? null : RefLink(@ref);
            return random.Next(5) switch
            {
                0 or 1 when referral is not null => new { sender = new { id = sender }, recipient = new { id = account }, timestamp = Ms(at), referral },
                2 => Postback(sender, at, "Get Started", "GET_STARTED", referral, account),
                _ => Message(sender, at, "hello", referral, account),
            };
        }

        /// <summary>A time in the week after T0, often on or next to a day or hour boundary or an earlier event's time.</summary>
        private DateTimeOffset Time()
        {
            var at = random.Next(6) switch
            {
                0 => T0.AddDays(random.Next(7)),
                1 => T0.AddHours(random.Next(7 * 24)),
                2 when _times.Count > 0 => _times[random.Next(_times.Count)],
                _ => T0.AddMilliseconds(random.NextInt64(7 * 86_400_000L)),
            };
            at = at.AddMilliseconds(random.Next(5) switch { 0 => -1, 1 => 1, _ => 0 });
            _times.Add(at);
            return at;
        }

        private DateTimeOffset Point() => random.Next(5) switch
        {
            0 => T0.AddDays(random.Next(-1, 9)),
            1 => T0.AddHours(random.Next(-24, 8 * 24)),
            2 when _times.Count > 0 => _times[random.Next(_times.Count)].AddMilliseconds(random.Next(-1, 2)),
            _ => T0.AddMilliseconds(random.NextInt64(-86_400_000L, 8 * 86_400_000L)),
        };
    }
}

/// <summary><see cref="CampaignRollupTests"/> on PostgreSQL: the same answers.</summary>
public sealed class PostgresCampaignRollupTests() : CampaignRollupTests(TestStore.Postgres());
