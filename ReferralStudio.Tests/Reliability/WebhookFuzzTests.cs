using System.Diagnostics;
using System.Net;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.EntityFrameworkCore;
using ReferralStudio.Data;
using ReferralStudio.Tests.Infrastructure;
using Xunit.Abstractions;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Reliability;

/// <summary>
/// A generated corpus of hostile bodies, each correctly signed so it gets past the signature gate, POSTed to
/// the real endpoint: only 200, 400 or 413, promptly, and the processor never fails a stored delivery.
/// </summary>
public sealed class WebhookFuzzTests(ITestOutputHelper output)
{
    // "Well under a second" on a quiet machine; generous here because CI shares two cores with other jobs.
    private static readonly TimeSpan PerRequestBound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Signed_Hostile_Bodies_Get_Only_200_400_Or_413_Promptly_And_Never_Fail_Processing()
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"corpus seed {seed}");
        await using var app = await TestApp.StartAsync();
        var slowest = TimeSpan.Zero;

        foreach (var (name, body) in Corpus(new Random(seed)))
        {
            var started = Stopwatch.StartNew();
            using var response = await app.PostWebhookAsync(body);
            var elapsed = started.Elapsed;
            slowest = elapsed > slowest ? elapsed : slowest;

            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge,
                $"seed {seed}, {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.True(elapsed < PerRequestBound, $"seed {seed}, {name}: took {elapsed}");
        }

        await app.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await using var db = TestDatabase.Open(app.DatabasePath);
        Assert.Empty(await db.InboundDeliveries.Where(d => d.Status == DeliveryStatus.Failed || d.Status == DeliveryStatus.Pending).Select(d => d.Id).ToListAsync());
        output.WriteLine($"slowest answer {slowest.TotalMilliseconds:0} ms");
        // The app still attributes a normal delivery afterwards.
        var igsid = Unique("after-fuzz");
        await app.DeliverAsync(Instagram(Referral(igsid, DateTimeOffset.Parse("2026-11-20T11:00:00Z"), "still_fine")));
        Assert.Equal("still_fine", (await app.ConversationOfAsync("instagram", igsid)).GetProperty("firstReferral").Str("ref"));
    }

    private static IEnumerable<(string Name, byte[] Body)> Corpus(Random random)
    {
        var rnd = new Rnd((ulong)random.NextInt64());
        var json = HostileInputGenerators.HostileJson.Sample(60, rnd, 80);
        foreach (var (text, i) in json.Select((t, i) => (t, i)))
        {
            yield return ($"generated json #{i}", Encoding.UTF8.GetBytes(text));
        }

        for (var i = 0; i < 20; i++)
        {
            var bytes = new byte[random.Next(0, 4096)];
            random.NextBytes(bytes);
            yield return ($"random bytes #{i}", bytes);
        }

        var valid = Encoding.UTF8.GetBytes(Instagram(Referral("IGSID-fuzz", DateTimeOffset.Parse("2026-11-20T10:00:00Z"), "fuzz_code")));
        for (var i = 0; i < 20; i++)
        {
            var mutated = (byte[])valid.Clone();
            for (var flips = random.Next(1, 6); flips > 0; flips--)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            yield return ($"byte-flipped valid body #{i}", mutated);
        }

        foreach (var depth in new[] { 63, 64, 65, 1_000, 100_000 })
        {
            yield return ($"arrays nested {depth} deep", Encoding.UTF8.GetBytes("{\"object\":\"instagram\",\"entry\":" + new string('[', depth) + new string(']', depth) + "}"));
            yield return ($"objects nested {depth} deep", Encoding.UTF8.GetBytes("{\"object\":\"page\",\"entry\":[" + string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth) + "]}"));
        }

        foreach (var number in new[] { "1e400", "-1e400", "1e-400", "-0", new string('9', 5_000), "18446744073709551616", "1.7976931348623157e309" })
        {
            yield return ($"timestamp {number[..Math.Min(12, number.Length)]}", Encoding.UTF8.GetBytes(
                $$$"""{"object":"instagram","entry":[{"id":"1","time":{{{number}}},"messaging":[{"sender":{"id":"s"},"recipient":{"id":"1"},"timestamp":{{{number}}},"referral":{"ref":"n","source":"SHORTLINKS","type":"OPEN_THREAD"}}]}]}"""));
            yield return ($"whatsapp timestamp {number[..Math.Min(12, number.Length)]}", Encoding.UTF8.GetBytes(
                WhatsApp(new { from = "4915100000009", id = "wamid.num", timestamp = number, type = "text", text = new { body = "ref: x" } })));
        }

        byte[][] invalidUtf8 = [[0xC3, 0x28], [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]];
        foreach (var (bad, i) in invalidUtf8.Select((b, i) => (b, i)))
        {
            var prefix = Encoding.UTF8.GetBytes("{\"object\":\"instagram\",\"entry\":[{\"id\":\"1\",\"messaging\":[{\"sender\":{\"id\":\"s");
            var suffix = Encoding.UTF8.GetBytes("\"},\"timestamp\":1763700000000,\"referral\":{\"ref\":\"utf\"}}]}]}");
            yield return ($"invalid UTF-8 #{i} in a string", [.. prefix, .. bad, .. suffix]);
            yield return ($"invalid UTF-8 #{i} alone", bad);
        }

        yield return ("empty body", []);
        yield return ("byte order mark", [0xEF, 0xBB, 0xBF, .. valid]);
        yield return ("NUL bytes", new byte[64]);
        yield return ("escaped lone surrogates", Encoding.UTF8.GetBytes(Instagram(Referral("IGSID-sur", DateTimeOffset.Parse("2026-11-20T10:00:00Z"), "\ud800\udc00\ud800"))));
        yield return ("a one-megabyte ref", Encoding.UTF8.GetBytes(Instagram(Referral("IGSID-big", DateTimeOffset.Parse("2026-11-20T10:00:00Z"), new string('a', 1 << 20)))));
        yield return ("five thousand events", Encoding.UTF8.GetBytes(Instagram(Enumerable.Range(0, 5_000)
            .Select(i => Referral($"IGSID-many-{i % 50}", DateTimeOffset.Parse("2026-11-20T10:00:00Z").AddSeconds(i), $"many_{i}")).ToArray())));
        yield return ("just over the size limit", new byte[4 * 1024 * 1024 + 1]);
    }
}
