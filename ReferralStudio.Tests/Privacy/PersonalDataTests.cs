using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using ReferralStudio.Tests.Conversions;
using ReferralStudio.Tests.Data;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Privacy;

/// <summary>
/// One person's data exported and erased across every table, seeded through the real pipeline: webhooks with another
/// person in the same batch, a trigger that tags and greets, a conversion through the API and an outbound subscription.
/// The engine's own parts (starting the app, finding leftover traces, checking the rollups) are the derived classes'.
/// </summary>
public abstract class PersonalDataTestBase : IAsyncLifetime
{
    private const string AdId = "120210000000777";
    private LoopbackServer _receiver = null!;
    private TestApp _app = null!;

    protected TestApp App => _app;

    public async Task InitializeAsync()
    {
        _receiver = await LoopbackServer.StartAsync();
        _app = await StartAppAsync(_receiver);
    }

    public virtual async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    /// <summary>A fresh app (on a fresh database) that delivers outbound events to <paramref name="receiver"/>.</summary>
    protected abstract Task<TestApp> StartAppAsync(LoopbackServer receiver);

    /// <summary>Every stored row in which some column holds <paramref name="text"/>, as "table: value".</summary>
    protected abstract Task<List<string>> RowsHoldingAsync(string text);

    /// <summary>The engine's files whose bytes hold <paramref name="text"/>; null where the files are not the test's to read.</summary>
    protected abstract IReadOnlyList<string>? FilesHolding(string text);

    /// <summary>The maintained campaign rollups equal what the base tables give.</summary>
    protected abstract Task AssertRollupMatchesBaseTablesAsync();

    private sealed record Person(string Phone, string Name, string Text);

    private static Person NewPerson(string name) =>
        new("49151" + Random.Shared.NextInt64(10_000_000, 99_999_999), name, Unique("text-" + name.ToLowerInvariant()));

    /// <summary>Both people write in one delivery, each after a click-to-WhatsApp ad a trigger greets and tags.</summary>
    private async Task<(long Person, long Other)> SeedAsync(Person person, Person other)
    {
        var (status, body) = await _app.Api.PostJsonAsync("/api/webhooks/subscriptions", new { url = new Uri(_receiver.BaseAddress, "hooks").ToString(), events = new[] { "referral.received", "conversation.started", "message.received", "conversion.recorded" } });
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        (status, body) = await _app.Api.PostJsonAsync("/api/triggers", new
        {
            name = "Privacy ad",
            pattern = "privacy_ad",
            adIds = new[] { AdId },
            actions = new { tags = new[] { "campaign:privacy" }, greeting = new { text = "Welcome from the ad!", mode = "immediate" } },
        });
        Assert.True(status == HttpStatusCode.Created, body.ToString());

        var now = _app.Time.GetUtcNow();
        await _app.DeliverAsync(WhatsAppValue(new
        {
            messaging_product = "whatsapp",
            metadata = new { display_phone_number = "15550783881", phone_number_id = PhoneNumberId },
            contacts = new[] { new { profile = new { name = person.Name }, wa_id = person.Phone }, new { profile = new { name = other.Name }, wa_id = other.Phone } },
            messages = new[]
            {
                WhatsAppText(person.Phone, now.AddMinutes(-5), person.Text, CtwaReferral(AdId, "clid-person")),
                WhatsAppText(other.Phone, now.AddMinutes(-4), other.Text, CtwaReferral(AdId, "clid-other")),
            },
        }));
        var personId = (await _app.ConversationOfAsync("whatsapp", person.Phone)).GetProperty("id").GetInt64();
        var otherId = (await _app.ConversationOfAsync("whatsapp", other.Phone)).GetProperty("id").GetInt64();
        foreach (var (id, order) in new[] { (personId, Unique("order")), (otherId, Unique("order")) })
        {
            (status, body) = await _app.Api.PostJsonAsync("/api/conversions", new { conversationId = id, type = "purchase", value = 25.5, currency = "EUR", externalId = order });
            Assert.True(status == HttpStatusCode.Created, body.ToString());
        }

        return (personId, otherId);
    }

    [Fact]
    public async Task Export_Holds_The_Persons_Rows_From_Every_Table_And_Nothing_Of_Another_Person_In_The_Same_Batch()
    {
        Person person = NewPerson("Zorblaxa Quimby"), other = NewPerson("Otherina Vance");
        var (id, _) = await SeedAsync(person, other);

        var response = await _app.Api.GetAsync($"/api/conversations/{id}/export");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var export = JsonDocument.Parse(text).RootElement;
        var conversation = export.GetProperty("conversation");
        Assert.Equal(id, conversation.GetProperty("id").GetInt64());
        Assert.Equal(person.Name, conversation.Str("participantName"));
        Assert.Equal(person.Phone, conversation.Str("participantId"));
        Assert.Equal(AdId, Assert.Single(export.GetProperty("touches").EnumerateArray()).Str("adId"));
        Assert.Contains(export.GetProperty("events").EnumerateArray(), e => e.Str("text") == person.Text);
        Assert.Equal("campaign:privacy", Assert.Single(export.GetProperty("tags").EnumerateArray()).Str("label"));
        Assert.Single(export.GetProperty("triggerFirings").EnumerateArray());
        Assert.Equal("Welcome from the ad!", Assert.Single(export.GetProperty("greetings").EnumerateArray()).Str("text"));
        var conversion = Assert.Single(export.GetProperty("conversions").EnumerateArray());
        Assert.Equal("purchase", conversion.Str("type"));
        // The event for Meta's Conversions API (queued with its body, whether or not the sender has taken it yet) names
        // the person by the ad's click id.
        Assert.Contains("clid-person", conversion.GetProperty("meta").GetProperty("body").GetRawText());
        var outbound = export.GetProperty("outboundDeliveries").EnumerateArray().ToList();
        Assert.Equal(["conversation.started", "conversion.recorded", "message.received", "referral.received"], outbound.Select(d => d.Str("eventType")).Order());
        Assert.All(outbound, d => Assert.Equal(id, d.GetProperty("payload").GetProperty("data").GetProperty("conversation").GetProperty("id").GetInt64()));
        var raw = Assert.Single(export.GetProperty("inboundDeliveries").EnumerateArray());
        Assert.Contains(person.Text, raw.GetProperty("body").GetRawText());
        // The batch held the other person too: none of it is in the export, not even in the raw body.
        Assert.DoesNotContain(other.Phone, text);
        Assert.DoesNotContain(other.Name, text);
        Assert.DoesNotContain(other.Text, text);
        Assert.DoesNotContain("clid-other", text);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Api.GetAsync("/api/conversations/987654321/export")).StatusCode);
    }

    [Fact]
    public async Task Erase_Leaves_No_Trace_In_Any_Table_Or_File_Keeps_The_Other_Person_And_Recounts_The_Campaigns()
    {
        Person person = NewPerson("Zorblaxa Quimby"), other = NewPerson("Otherina Vance");
        var (id, otherId) = await SeedAsync(person, other);
        Assert.NotEmpty(await RowsHoldingAsync(person.Text));
        if (FilesHolding(person.Text) is { } files)
        {
            Assert.NotEmpty(files);
        }

        var (status, erased) = await _app.Api.SendJsonAsync(HttpMethod.Delete, $"/api/conversations/{id}/personal-data");

        Assert.True(status == HttpStatusCode.OK, erased.ToString());
        Assert.Equal(1, erased.GetProperty("conversations").GetInt32());
        Assert.Equal(1, erased.GetProperty("touches").GetInt32());
        Assert.Equal(1, erased.GetProperty("greetings").GetInt32());
        Assert.Equal(1, erased.GetProperty("conversions").GetInt32());
        Assert.Equal(1, erased.GetProperty("inboundBodiesEmptied").GetInt32());
        Assert.Equal(4, erased.GetProperty("outboundDeliveries").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Api.GetAsync($"/api/conversations/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Api.SendJsonAsync(HttpMethod.Delete, $"/api/conversations/{id}/personal-data")).Status);

        // Every table, searched as text, and both files with their logs, read as bytes.
        foreach (var trace in new[] { person.Phone, person.Name, person.Text })
        {
            Assert.Empty(await RowsHoldingAsync(trace));
            if (FilesHolding(trace) is { } left)
            {
                Assert.Empty(left);
            }
        }

        // The other person stays whole (their raw body shared the batch and was emptied with it).
        var kept = await _app.Api.GetJsonAsync($"/api/conversations/{otherId}/export");
        Assert.Equal(other.Name, kept.GetProperty("conversation").Str("participantName"));
        Assert.Contains(kept.GetProperty("events").EnumerateArray(), e => e.Str("text") == other.Text);
        Assert.Single(kept.GetProperty("conversions").EnumerateArray());

        // The campaign numbers are what they would be had the person never written: the rollups equal a rebuild.
        await AssertRollupMatchesBaseTablesAsync();
        var ad = (await _app.Api.GetJsonAsync("/api/campaigns?model=first")).GetProperty("byTrigger").EnumerateArray().Single(r => r.Str("triggerName") == "Privacy ad");
        Assert.Equal(1, ad.GetProperty("conversations").GetInt32());
        Assert.Equal(1, ad.GetProperty("conversions").GetInt32());

        // A new message from them is a new conversation.
        await _app.DeliverAsync(WhatsAppWithContact(person.Phone, person.Name, WhatsAppText(person.Phone, _app.Time.GetUtcNow(), "back again")));
        Assert.NotEqual(id, (await _app.ConversationOfAsync("whatsapp", person.Phone)).GetProperty("id").GetInt64());
    }
}

/// <summary>On SQLite: both files and their logs are also read as bytes, and the rollups compared with a rebuild.</summary>
public sealed class PersonalDataTests : PersonalDataTestBase
{
    protected override Task<TestApp> StartAppAsync(LoopbackServer receiver) => TestApp.StartAsync(receivers: [receiver]);

    protected override IReadOnlyList<string>? FilesHolding(string text) => [.. DatabaseFiles.Holding(App.DatabasePath, text)];

    protected override Task AssertRollupMatchesBaseTablesAsync() => CampaignCheck.RollupEqualsRebuildAsync(App.DatabasePath);

    /// <summary>Every row of every table of both files in which some column holds <paramref name="text"/>: "table: row".</summary>
    protected override async Task<List<string>> RowsHoldingAsync(string text)
    {
        var found = new List<string>();
        await using var connection = new SqliteConnection($"Data Source={App.DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using (var attach = connection.CreateCommand())
        {
            attach.CommandText = $"ATTACH DATABASE '{FilePairTests.InboxOf(App.DatabasePath)}' AS inbox";
            await attach.ExecuteNonQueryAsync();
        }

        var tables = new List<(string Schema, string Table)>();
        foreach (var schema in new[] { "main", "inbox" })
        {
            await using var list = connection.CreateCommand();
            list.CommandText = $"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add((schema, reader.GetString(0)));
            }
        }

        foreach (var (schema, table) in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM {schema}.\"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.GetValue(i) switch
                    {
                        byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
                        var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
                    };
                    if (value?.Contains(text, StringComparison.Ordinal) == true)
                    {
                        found.Add($"{schema}.{table}: {value}");
                    }
                }
            }
        }

        return found;
    }
}
