using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Reliability;

/// <summary>
/// The built app (<c>bin/&lt;Configuration&gt;/net10.0/ReferralStudio</c>) as a separate OS process in
/// Production, so it can be killed with SIGKILL mid-request, exactly as a crash or an OOM kill would.
/// </summary>
internal sealed class AppProcess : IDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private AppProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_output)
            {
                return string.Join("\n", _output);
            }
        }
    }

    public static string Executable
    {
        get
        {
            // The test assembly is built in the same configuration as the app it references.
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var path = Path.Combine(TestApp.RepoRoot, "bin", configuration, "net10.0", "ReferralStudio");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build the app first (dotnet build ReferralStudio.sln).", path);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts the app on <paramref name="port"/> and the SQLite file <paramref name="databasePath"/>, with any further
    /// <paramref name="settings"/> (configuration keys such as <c>Meta:GraphApiBaseUrl</c>); returns once it answers.
    /// </summary>
    public static async Task<AppProcess> StartAsync(string databasePath, int port, TimeSpan readyTimeout, IReadOnlyDictionary<string, string>? settings = null)
    {
        var start = new ProcessStartInfo(Executable, ["--contentRoot", TestApp.RepoRoot])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestApp.RepoRoot,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Meta__AppSecret"] = TestApp.AppSecret;
        start.Environment["Meta__VerifyToken"] = TestApp.VerifyToken;
        start.Environment["Api__Key"] = TestApp.ApiKey;
        start.Environment["Admin__Email"] = TestApp.AdminEmail;
        start.Environment["Admin__Password"] = TestApp.AdminPassword;
        start.Environment["ConnectionStrings__ReferralStudio"] = $"Data Source={databasePath}";
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var app = new AppProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await app.WaitUntilReadyAsync(readyTimeout);
            return app;
        }
        catch
        {
            app.Dispose();
            throw;
        }
    }

    /// <summary>Meta's handshake answering 200 means the app is migrated, listening and serving webhooks.</summary>
    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {_process.ExitCode} while starting:\n{RecentOutput}");
            }

            try
            {
                using var response = await client.GetAsync($"/webhooks/meta?hub.mode=subscribe&hub.verify_token={TestApp.VerifyToken}&hub.challenge=ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"The app did not answer within {timeout}:\n{RecentOutput}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, no graceful drain.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("The killed app did not exit.");
        }
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > 40)
            {
                _output.Dequeue();
            }
        }
    }
}
