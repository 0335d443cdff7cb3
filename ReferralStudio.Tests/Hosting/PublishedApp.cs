using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using ReferralStudio.Hosting;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Hosting;

/// <summary>
/// The app as it is deployed: <c>dotnet publish -c Release</c> into a temp folder, once for the test class, and
/// started from there with <c>dotnet ReferralStudio.dll</c> in Production, configured only through environment
/// variables, with its data in a temp folder. The publish has its own artifacts folder, so it never writes the
/// repository's bin/ and obj/, which other tests run from.
/// </summary>
public sealed class PublishedApp : IAsyncLifetime
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "referralstudio-published", Guid.NewGuid().ToString("N"));

    /// <summary>The publish output: what an operator copies to the server.</summary>
    public string Folder => Path.Combine(_root, "app");

    /// <summary>The running app (started once the publish succeeded).</summary>
    public PublishedProcess App { get; private set; } = null!;

    /// <summary>The settings Production requires, as environment variables; the files go to <paramref name="dataDirectory"/>.</summary>
    public static Dictionary<string, string?> ProductionSettings(string dataDirectory) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_ENVIRONMENT"] = "Production",
        // Port 0: the system picks a free one and the app logs it ("Now listening on: ...").
        ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
        ["Meta__AppSecret"] = TestApp.AppSecret,
        ["Meta__VerifyToken"] = TestApp.VerifyToken,
        ["Api__Key"] = TestApp.ApiKey,
        ["Admin__Email"] = TestApp.AdminEmail,
        ["Admin__Password"] = TestApp.AdminPassword,
        ["ConnectionStrings__ReferralStudio"] = $"Data Source={Path.Combine(dataDirectory, "referralstudio.db")}",
    };

    /// <summary>A new empty data folder under this fixture's temp folder.</summary>
    public string NewDataDirectory() => Directory.CreateDirectory(Path.Combine(_root, "data-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    public async Task InitializeAsync()
    {
        await PublishAsync();
        App = PublishedProcess.Start(Folder, ProductionSettings(NewDataDirectory()));
        await App.WaitUntilHealthyAsync(TimeSpan.FromMinutes(2));
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A temp folder left behind is no failure of the app.
        }
    }

    private async Task PublishAsync()
    {
        var start = new ProcessStartInfo("dotnet",
        [
            "publish", Path.Combine(TestApp.RepoRoot, "ReferralStudio.csproj"), "-c", "Release", "-o", Folder,
            "--artifacts-path", Path.Combine(_root, "artifacts"), "--nologo",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestApp.RepoRoot,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(PublishTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet publish did not finish within {PublishTimeout}:\n{await output}\n{await error}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed with {process.ExitCode}:\n{await output}\n{await error}");
        }
    }
}

/// <summary>A published ReferralStudio.dll run with <c>dotnet</c>, its output kept for failure messages.</summary>
public sealed partial class PublishedProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PublishedProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Where the app listens, as it logged it.</summary>
    public Uri BaseAddress => _listening.Task.IsCompletedSuccessfully
        ? _listening.Task.Result
        : throw new InvalidOperationException("The app has not logged where it listens.");

    /// <summary>The last lines the process wrote (standard output and error).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join("\n", _output);
            }
        }
    }

    /// <summary>Starts the app from <paramref name="folder"/> (also its working directory, as under systemd); null values unset a variable.</summary>
    public static PublishedProcess Start(string folder, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(folder, "ReferralStudio.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return new PublishedProcess(Process.Start(start)!);
    }

    /// <summary>
    /// Waits for the "Now listening on" line, then polls the health endpoint (a bounded number of tries) until it
    /// answers 200; fails early, with the output, if the process exits.
    /// </summary>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var exited = _process.WaitForExitAsync(deadline.Token);
        var first = await Task.WhenAny(_listening.Task, exited);
        if (first != _listening.Task)
        {
            throw exited.IsCanceled
                ? new TimeoutException($"The app did not start listening within {timeout}:\n{Output}")
                : new InvalidOperationException($"The app exited with {_process.ExitCode} while starting:\n{Output}");
        }

        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        const int tries = 20;
        for (var attempt = 1; attempt <= tries && !_process.HasExited; attempt++)
        {
            try
            {
                using var response = await client.GetAsync(HostingExtensions.HealthPath, deadline.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Listening was logged, but on a loaded machine a connection can still be refused for a moment.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), deadline.Token);
        }

        throw new InvalidOperationException($"{HostingExtensions.HealthPath} did not answer 200 in {tries} tries:\n{Output}");
    }

    /// <summary>Waits for the process to end by itself; its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The app was expected to exit within {timeout} but runs on:\n{Output}");
        }

        // The asynchronous readers may still hold the last lines: the parameterless wait drains them.
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(deadline.Token);
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (ListeningLine().Match(line) is { Success: true } listening)
        {
            _listening.TrySetResult(new Uri(listening.Groups["url"].Value));
        }

        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > 200)
            {
                _output.Dequeue();
            }
        }
    }

    [GeneratedRegex(@"Now listening on: (?<url>http://\S+)")]
    private static partial Regex ListeningLine();
}
