using System.Net;
using System.Net.Sockets;
using System.Text;
using ReferralStudio.Outbound.Safety;

namespace ReferralStudio.Tests.Outbound.Safety;

/// <summary>The last line of defence: deliveries connect only where the guard allows, against a real socket.</summary>
public sealed class SafeConnectTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public SafeConnectTests() => _listener.Start();

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Dispose() => _listener.Stop();

    [Fact]
    public async Task With_Private_Networks_Allowed_A_Loopback_Receiver_Gets_The_Delivery()
    {
        var request = AnswerOnceAsync();
        using var client = Client(SafeConnect.Create(allowPrivateNetworks: true, [Port]));

        using var response = await client.PostAsync($"http://127.0.0.1:{Port}/hook", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.StartsWith("POST /hook HTTP/1.1", await request);
    }

    [Fact]
    public async Task A_Host_Name_Connects_To_The_Address_It_Was_Checked_At_And_Keeps_Its_Host_Header()
    {
        var request = AnswerOnceAsync();
        using var client = Client(SafeConnect.Create(allowPrivateNetworks: true, [Port], (_, _) => Task.FromResult(new[] { IPAddress.Loopback })));

        using var response = await client.GetAsync($"http://receiver.test:{Port}/hook");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"Host: receiver.test:{Port}\r\n", await request);
    }

    [Fact]
    public async Task Without_Private_Networks_A_Loopback_Address_Is_Refused_Before_Connecting()
    {
        using var client = Client(SafeConnect.Create(allowPrivateNetworks: false, [Port]));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync($"http://127.0.0.1:{Port}/hook"));

        Assert.Contains("non-public address (loopback)", error.Message);
        Assert.Contains("Outbound:AllowPrivateNetworks", error.Message);
        Assert.False(_listener.Pending());
    }

    [Fact]
    public async Task A_Port_Not_Allowed_Is_Refused_Before_Resolving_Or_Connecting_Even_With_Private_Networks_Allowed()
    {
        // A URL stored before the port rule, or before Outbound:AllowedPorts changed, is stopped at send time.
        using var client = Client(SafeConnect.Create(allowPrivateNetworks: true, [80, 443], (_, _) => throw new InvalidOperationException("DNS must not be consulted.")));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync($"http://receiver.test:{Port}/hook", new StringContent("{}")));

        Assert.Contains($"Port {Port} is not allowed; outbound webhooks go to ports 80 and 443 (Outbound:AllowedPorts).", error.Message);
        Assert.False(_listener.Pending());
    }

    [Fact]
    public async Task Dns_That_Turns_Private_After_Validation_Is_Refused_At_Connect()
    {
        // Rebinding: the name looked public when the URL was registered, and now points inward.
        var answers = new Queue<IPAddress[]>([[IPAddress.Parse("93.184.215.14")], [IPAddress.Loopback]]);
        Task<IPAddress[]> Resolve(string host, CancellationToken token) => Task.FromResult(answers.Dequeue());
        Assert.Null(await new OutboundUrlPolicy(Resolve).ValidateAsync($"http://rebind.test:{Port}/hook", false, [Port], CancellationToken.None));
        using var client = Client(SafeConnect.Create(allowPrivateNetworks: false, [Port], Resolve));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync($"http://rebind.test:{Port}/hook"));

        Assert.Contains("non-public address (loopback)", error.Message);
        Assert.False(_listener.Pending());
    }

    [Fact]
    public async Task A_Name_With_Any_Non_Public_Address_Is_Refused_Even_If_Another_Is_Public()
    {
        var addresses = new[] { IPAddress.Parse("93.184.215.14"), IPAddress.Parse("10.0.0.7") };
        using var client = Client(SafeConnect.Create(allowPrivateNetworks: false, [80], (_, _) => Task.FromResult(addresses)));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("http://mixed.test/hook"));

        Assert.Contains("private network (10.0.0.0/8)", error.Message);
    }

    [Fact]
    public async Task When_One_Address_Refuses_The_Next_Is_Tried()
    {
        var request = AnswerOnceAsync();
        // Nothing listens on ::1 at this port (or IPv6 is off); 127.0.0.1 answers.
        var addresses = new[] { IPAddress.IPv6Loopback, IPAddress.Loopback };
        using var client = Client(SafeConnect.Create(allowPrivateNetworks: true, [Port], (_, _) => Task.FromResult(addresses)));

        using var response = await client.GetAsync($"http://dual.test:{Port}/hook");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("GET /hook HTTP/1.1", await request);
    }

    private static HttpClient Client(Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> connect) =>
        new(new SocketsHttpHandler { ConnectCallback = connect, UseProxy = false })
        {
            // A hung test should fail, not stall the run.
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>Accepts one connection, answers 200 "ok" and returns the request head it read.</summary>
    private async Task<string> AnswerOnceAsync()
    {
        using var connection = await _listener.AcceptTcpClientAsync();
        var stream = connection.GetStream();
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"u8.ToArray());
        return head.ToString();
    }
}
