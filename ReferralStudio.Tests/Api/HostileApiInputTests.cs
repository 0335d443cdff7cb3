using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Api;
using ReferralStudio.Conversions;
using ReferralStudio.Data;
using ReferralStudio.Tests.Infrastructure;
using static ReferralStudio.Tests.Infrastructure.Payloads;

namespace ReferralStudio.Tests.Api;

/// <summary>
/// Hostile requests against every <c>/api</c> endpoint: bodies over the limit (declared or chunked) get a 413
/// ProblemDetails without being read through, and bodies crafted to make validation work hard get one small 400.
/// The work is bounded structurally: the size of the answer and the number of errors in it.
/// </summary>
public sealed class HostileApiInputTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    /// <summary>An answer to a hostile body fits in this many bytes, whatever the body held.</summary>
    private const int SmallAnswer = 8 * 1024;

    private readonly TestApp _app = fixture.App;

    /// <summary>The trackable link the table's rows name (it need not exist: hostile input is refused before it is looked up).</summary>
    private const string Slug = "hostile-slug";

    /// <summary>Every /api endpoint; <see cref="Table_Lists_Every_Api_Endpoint"/> fails when one is added without a row.</summary>
    public static readonly TheoryData<string, string> Endpoints = new()
    {
        { "GET", "/api/conversations" },
        { "GET", "/api/conversations/1" },
        { "GET", "/api/conversations/1/export" },
        { "DELETE", "/api/conversations/1/personal-data" },
        { "GET", "/api/triggers" },
        { "GET", "/api/triggers/1" },
        { "GET", "/api/triggers/match" },
        { "POST", "/api/triggers" },
        { "PUT", "/api/triggers/1" },
        { "DELETE", "/api/triggers/1" },
        { "POST", "/api/conversions" },
        { "GET", "/api/conversions" },
        { "GET", "/api/campaigns" },
        { "GET", "/api/webhooks/subscriptions" },
        { "POST", "/api/webhooks/subscriptions" },
        { "DELETE", "/api/webhooks/subscriptions/1" },
        { "POST", "/api/webhooks/subscriptions/1/rotate-secret" },
        { "POST", "/api/webhooks/subscriptions/1/enable" },
        { "GET", "/api/webhooks/deliveries" },
        { "GET", "/api/webhooks/deliveries/1" },
        { "POST", "/api/webhooks/deliveries/1/replay" },
        { "GET", "/api/webhooks/inbound" },
        { "POST", "/api/webhooks/inbound/1/replay" },
        { "GET", "/api/messages/outbox" },
        { "GET", "/api/links" },
        { "GET", "/api/links/qr" },
        { "GET", "/api/alerts" },
        { "GET", "/api/trackable-links" },
        { "POST", "/api/trackable-links" },
        { "GET", $"/api/trackable-links/{Slug}" },
        { "PATCH", $"/api/trackable-links/{Slug}" },
        { "GET", $"/api/trackable-links/{Slug}/scans" },
        { "GET", $"/api/trackable-links/{Slug}/qr" },
    };

    /// <summary>The endpoints that read a JSON body, with a body each accepts apart from the field a test breaks.</summary>
    public static readonly TheoryData<string, string> JsonEndpoints = new()
    {
        { "POST", "/api/triggers" },
        { "PUT", "/api/triggers/1" },
        { "POST", "/api/conversions" },
        { "POST", "/api/webhooks/subscriptions" },
        { "POST", "/api/trackable-links" },
        { "PATCH", $"/api/trackable-links/{Slug}" },
    };

    [Fact]
    public void Table_Lists_Every_Api_Endpoint()
    {
        var routes = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .Order()
            .ToList();
        var table = Endpoints.Select(row => $"{row[0]} {Template((string)row[1])}").Order().ToList();

        Assert.Equal(routes, table);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Oversized_Body_With_Content_Length_Gets_413_ProblemDetails(string method, string path)
    {
        using var content = new ByteArrayContent(Padding(BodyLimit.MaxBytes + 1));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        // Asking before sending the body, as clients do for large ones: the 413 comes on the headers alone. Sent outright,
        // the body would wait unread in the server's socket when it closes the connection after the 413, and the reset that
        // closing sends can reach the client before it has read the answer (about one run in a few hundred).
        await AssertTooLargeAsync(method, path, content, expectContinue: true);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Oversized_Chunked_Body_Gets_413_ProblemDetails(string method, string path)
    {
        using var content = new GeneratedContent(BodyLimit.MaxBytes + 1);

        await AssertTooLargeAsync(method, path, content);
    }

    [Fact]
    public async Task Endless_Chunked_Body_Is_Not_Read_Through()
    {
        // Counted where Kestrel reads the socket: past the limit it stops, so what it took in is the limit plus its own
        // buffering; reading through would take everything, and Kestrel's default limit alone would stop only at 30 MB.
        var received = new ReceivedBytes();
        await using var app = await TestApp.StartAsync(services: s => s.Configure<KestrelServerOptions>(o =>
            o.ConfigureEndpointDefaults(listen => listen.Use(next => connection =>
            {
                connection.Transport = new CountingTransport(connection.Transport, received);
                return next(connection);
            }))));
        using var content = new GeneratedContent(256L * 1024 * 1024);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/triggers") { Content = content };

        HttpStatusCode? status = null;
        try
        {
            using var response = await app.Api.SendAsync(request);
            status = response.StatusCode;
        }
        catch (HttpRequestException)
        {
            // The server answered and closed while the client was still sending: what matters is how much it took.
        }

        Assert.True(status is null or HttpStatusCode.RequestEntityTooLarge, $"answered {status}");
        Assert.True(received.Count < 8 * 1024 * 1024, $"the server read {received.Count} bytes");
    }

    [Fact]
    public async Task Body_Just_Under_The_Limit_Is_Read_And_Validated()
    {
        var name = new string('n', BodyLimit.MaxBytes - 100);

        var (status, problem) = await _app.Api.PostJsonAsync("/api/triggers", $$"""{"name":"{{name}}","pattern":"under_limit"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("at most 100 characters", Assert.Single(problem.ErrorsFor("name")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hundred_Thousand_Platforms_Get_A_Small_413()
    {
        // The security review's body: 500 KB of invalid platforms.
        var body = $$"""{"name":"many","pattern":"many","platforms":[{{string.Join(",", Enumerable.Repeat("\"xx\"", 100_000))}}]}""";

        var (status, text) = await SendAsync("POST", "/api/triggers", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.True(text.Length < SmallAnswer, $"answer of {text.Length} characters");
    }

    [Theory]
    [InlineData("POST", "/api/triggers", """{"name":"many","pattern":"many","platforms":[ITEMS]}""", "platforms", "At most 3 platforms.")]
    [InlineData("POST", "/api/triggers", """{"name":"many","pattern":"many","adIds":[ITEMS]}""", "adIds", "At most 50 ad ids.")]
    [InlineData("POST", "/api/triggers", """{"name":"many","pattern":"many","actions":{"tags":[ITEMS]}}""", "actions.tags", "At most 50 tags.")]
    [InlineData("PUT", "/api/triggers/EXISTING", """{"name":"many","pattern":"many","platforms":[ITEMS]}""", "platforms", "At most 3 platforms.")]
    [InlineData("POST", "/api/webhooks/subscriptions", """{"url":"http://127.0.0.1:9/hook","events":[ITEMS]}""", "events", "At most 5 events")]
    public async Task List_Filling_The_Body_Limit_Gets_One_Error_In_A_Small_Answer(string method, string path, string template, string field, string reason)
    {
        var body = FillWithItems(template);
        if (path.EndsWith("/EXISTING", StringComparison.Ordinal))
        {
            var (_, existing) = await _app.Api.PostJsonAsync("/api/triggers", new { name = "Existing", pattern = Unique("existing").Replace('-', '_') });
            path = path.Replace("EXISTING", existing.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        var (status, text) = await SendAsync(method, path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(text.Length < SmallAnswer, $"answer of {text.Length} characters");
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.StartsWith(reason, Assert.Single(problem.ErrorsFor(field)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_Field_Wrong_Gets_One_Reason_Per_Field()
    {
        var body = new
        {
            name = "",
            pattern = "a**b",
            platforms = new[] { "fax", "telex", "pager" },
            adIds = Enumerable.Repeat("not-an-ad", 50).ToArray(),
            priority = 5000,
            actions = new { tags = Enumerable.Range(0, 50).Select(i => "{" + i).ToArray(), greeting = new { text = new string('g', 2000), mode = "sometimes" } },
        };

        var (status, problem) = await _app.Api.PostJsonAsync("/api/triggers", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = problem.GetProperty("errors").EnumerateObject().ToList();
        Assert.Equal(["actions.greeting.mode", "actions.greeting.text", "actions.tags", "adIds", "name", "pattern", "platforms", "priority"], errors.Select(e => e.Name).Order());
        Assert.All(errors, e => Assert.Equal(1, e.Value.GetArrayLength()));
        Assert.Contains("“not-an-ad” and “not-an-ad” and “not-an-ad” and 47 more", problem.ErrorsFor("adIds")[0], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(JsonEndpoints))]
    public async Task Deeply_Nested_Json_Gets_A_Small_400(string method, string path)
    {
        var body = "{\"name\":" + new string('[', 10_000) + new string(']', 10_000) + "}";

        var (status, text) = await SendAsync(method, path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(text.Length < SmallAnswer, $"answer of {text.Length} characters");
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors").EnumerateObject().ToList();
        Assert.Single(errors);
        Assert.True(errors[0].Name.Length <= FieldErrors.MaxFieldLength, errors[0].Name);
    }

    [Theory]
    [InlineData("POST", "/api/triggers", """{"name":5,"pattern":"wrong_types"}""", "name")]
    [InlineData("PUT", "/api/triggers/1", """{"name":"x","pattern":"wrong_types","platforms":"instagram"}""", "platforms")]
    [InlineData("POST", "/api/triggers", """{"name":"x","pattern":"wrong_types","actions":{"tags":{"a":1}}}""", "actions.tags")]
    [InlineData("POST", "/api/triggers", """{"name":"x","pattern":"wrong_types","enabled":"yes"}""", "enabled")]
    [InlineData("POST", "/api/webhooks/subscriptions", """{"url":["http://127.0.0.1:9/"],"events":["referral.received"]}""", "url")]
    [InlineData("POST", "/api/webhooks/subscriptions", """{"url":"http://127.0.0.1:9/","events":[1,2]}""", "events[0]")]
    [InlineData("POST", "/api/conversions", """{"conversationId":"one","type":"purchase","externalId":"wrong-type"}""", "conversationId")]
    [InlineData("POST", "/api/conversions", """{"conversationId":1,"type":"purchase","externalId":"wrong-type","occurredAt":12}""", "occurredAt")]
    public async Task Wrong_Type_Gets_400_Naming_The_Field(string method, string path, string body, string field)
    {
        var (status, problem) = await _app.Api.SendJsonAsync(new HttpMethod(method), path, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal([field], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    [Theory]
    [InlineData("1e308")]
    [InlineData("-1e308")]
    [InlineData("-1")]
    [InlineData("-0.01")]
    [InlineData("\"NaN\"")]
    [InlineData("\"Infinity\"")]
    [InlineData("\"1e308\"")]
    [InlineData("1000000000000.01")]
    [InlineData("10000000000000")]
    [InlineData("0.00001")]
    [InlineData("1" + "00000000000000000000000000000000000000")]
    public async Task Unreasonable_Conversion_Value_Gets_400_Naming_Value(string value)
    {
        var body = $$"""{"conversationId":1,"type":"purchase","externalId":"hostile-value","value":{{value}}}""";

        var (status, problem) = await _app.Api.PostJsonAsync("/api/conversions", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["value"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Equal(ConversionValues.Error, Assert.Single(problem.ErrorsFor("value")));
    }

    [Fact]
    public async Task Largest_Conversion_Values_Keep_Campaigns_Finite()
    {
        var participant = Unique("whale");
        await _app.DeliverAsync(Instagram(Referral(participant, DateTimeOffset.Parse("2026-11-19T10:00:00Z"), "whale_code")));
        for (var i = 0; i < 3; i++)
        {
            var (status, created) = await _app.Api.PostJsonAsync("/api/conversions", $$"""
                {"platform":"instagram","participantId":"{{participant}}","type":"purchase","value":1000000000000,"externalId":"{{participant}}-{{i}}"}
                """);
            Assert.Equal(HttpStatusCode.Created, status);
            Assert.Equal(1e12, created.GetProperty("value").GetDouble());
        }

        var report = await _app.Api.GetJsonAsync("/api/campaigns");

        var row = report.GetProperty("byRef").EnumerateArray().Single(r => r.Str("ref") == "whale_code");
        Assert.Equal(3e12, row.GetProperty("conversionValue").GetDouble());
    }

    [Fact]
    public async Task Values_Stored_Before_The_Bound_Do_Not_Break_Campaigns()
    {
        // Two conversions of 1e308 were accepted before values were bounded; their sum is infinite.
        var participant = Unique("legacy");
        await _app.DeliverAsync(Instagram(Referral(participant, DateTimeOffset.Parse("2026-11-19T11:00:00Z"), "legacy_huge")));
        var conversationId = (await _app.ConversationOfAsync("instagram", participant)).GetProperty("id").GetInt64();
        using (var scope = _app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var touch = db.ReferralTouches.Single(t => t.ConversationId == conversationId);
            for (var i = 0; i < 2; i++)
            {
                var conversion = new Conversion
                {
                    ConversationId = conversationId, Type = "purchase", Value = 1e308, OccurredAt = touch.OccurredAt.AddMinutes(1 + i),
                    ExternalId = $"{participant}-{i}", FirstTouchId = touch.Id, LastTouchId = touch.Id, RecordedAt = touch.OccurredAt,
                };
                db.Conversions.Add(conversion);
                await db.SaveChangesAsync();
                await CampaignRollup.AddConversionAsync(db, conversion, CancellationToken.None);
            }
        }

        var report = await _app.Api.GetJsonAsync("/api/campaigns");

        var row = report.GetProperty("byRef").EnumerateArray().Single(r => r.Str("ref") == "legacy_huge");
        Assert.Equal(double.MaxValue, row.GetProperty("conversionValue").GetDouble());
        Assert.All(report.GetProperty("byTrigger").EnumerateArray(), r => Assert.True(double.IsFinite(r.GetProperty("conversionValue").GetDouble())));
    }

    [Theory]
    [InlineData("/api/conversations?participantId=LONG", "participantId")]
    [InlineData("/api/conversions?externalId=LONG", "externalId")]
    [InlineData("/api/webhooks/deliveries?eventType=LONG", "eventType")]
    [InlineData("/api/triggers/match?adId=LONG", "adId")]
    [InlineData("/api/links/qr?platform=instagram&account=studio&ref=x&caption=LONG", "caption")]
    [InlineData("/api/links/qr?platform=instagram&account=studio&ref=x&sizeMm=100000", "sizeMm")]
    [InlineData("/api/links/qr?platform=instagram&account=studio&ref=x&dpi=100000", "dpi")]
    [InlineData("/api/conversations?pageSize=100000", "pageSize")]
    [InlineData("/api/conversions?pageSize=100000", "pageSize")]
    [InlineData("/api/webhooks/deliveries?pageSize=100000", "pageSize")]
    [InlineData("/api/webhooks/inbound?pageSize=100000", "pageSize")]
    [InlineData("/api/messages/outbox?pageSize=100000", "pageSize")]
    public async Task Query_Values_That_Drive_Work_Are_Bounded(string url, string field)
    {
        var problem = await _app.Api.GetJsonAsync(url.Replace("LONG", new string('a', 2_000), StringComparison.Ordinal), HttpStatusCode.BadRequest);

        Assert.Single(problem.ErrorsFor(field));
    }

    private async Task AssertTooLargeAsync(string method, string path, HttpContent content, bool expectContinue = false)
    {
        var (status, text) = await SendAsync(method, path, content, expectContinue);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
        Assert.Contains($"{BodyLimit.MaxBytes} bytes", problem.Str("detail"), StringComparison.Ordinal);
        Assert.Equal("body", problem.Str("field"));
    }

    private async Task<(HttpStatusCode Status, string Text)> SendAsync(string method, string path, HttpContent content, bool expectContinue = false)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = content };
        request.Headers.ExpectContinue = expectContinue;
        using var response = await _app.Api.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The template with ITEMS replaced by as many short invalid items as fit just under the body limit.</summary>
    private static string FillWithItems(string template)
    {
        var room = BodyLimit.MaxBytes - Encoding.UTF8.GetByteCount(template) - 16;
        return template.Replace("ITEMS", string.Join(",", Enumerable.Repeat("\"\"", room / 3)), StringComparison.Ordinal);
    }

    private static byte[] Padding(int length) => Enumerable.Repeat((byte)' ', length).ToArray();

    private sealed class ReceivedBytes
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public void Add(int bytes) => Interlocked.Add(ref _count, bytes);
    }

    /// <summary>The connection's pipes, with every byte read from the client counted.</summary>
    private sealed class CountingTransport(IDuplexPipe inner, ReceivedBytes received) : IDuplexPipe
    {
        public PipeReader Input { get; } = PipeReader.Create(new CountingStream(inner.Input.AsStream(), received));

        public PipeWriter Output => inner.Output;
    }

    private sealed class CountingStream(Stream inner, ReceivedBytes received) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            received.Add(read);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static string Template(string path) =>
        string.Join("/", path.Split('/').Select(s => long.TryParse(s, out _) ? "{id:long}" : s == Slug ? "{slug}" : s));

    /// <summary>A body of spaces sent chunked (no Content-Length).</summary>
    private sealed class GeneratedContent : HttpContent
    {
        private static readonly byte[] Block = Padding(16 * 1024);
        private readonly long _length;

        public GeneratedContent(long length)
        {
            _length = length;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        private long Sent { get; set; }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            while (Sent < _length)
            {
                var count = (int)Math.Min(Block.Length, _length - Sent);
                await stream.WriteAsync(Block.AsMemory(0, count));
                Sent += count;
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
