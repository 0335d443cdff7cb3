using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace ReferralStudio.Tests.Infrastructure;

/// <summary>
/// Runs the scripts in ReferralStudio.Tests/Node with node: official third-party clients (SignalR's
/// JavaScript client, the Standard Webhooks verifier, an OpenAPI linter) judging the real app.
/// scripts/test.sh installs their packages with npm ci.
/// </summary>
public static class NodeScripts
{
    public static string Directory { get; } = Path.Combine(TestApp.RepoRoot, "ReferralStudio.Tests", "Node");

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
    }

    /// <summary>Runs <paramref name="script"/> (a file in the Node folder, or a node_modules/.bin tool) to its end.</summary>
    public static async Task<Result> RunAsync(
        string script,
        IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null,
        string? stdin = null,
        TimeSpan? timeout = null)
    {
        using var process = Process.Start(StartInfo(script, args, environment))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} did not finish within {timeout ?? DefaultTimeout}: {await error}");
        }

        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>
    /// Starts <paramref name="script"/> and hands its output over line by line as it comes, so a test can
    /// act on what the script says ("connected") while it keeps running. Dispose stops it if still running.
    /// </summary>
    public static Running Start(string script, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null) =>
        new(script, Process.Start(StartInfo(script, args, environment))!);

    /// <summary>A script still running: its stdout as a stream of lines, its stderr collected for failure messages.</summary>
    public sealed class Running : IAsyncDisposable
    {
        private readonly string _script;
        private readonly Process _process;
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
        private readonly StringBuilder _error = new();
        private readonly Task _pumps;

        internal Running(string script, Process process)
        {
            _script = script;
            _process = process;
            _process.StandardInput.Close();
            _pumps = Task.WhenAll(PumpOutputAsync(), PumpErrorAsync());
        }

        /// <summary>What the script wrote to stderr so far.</summary>
        public string Error
        {
            get
            {
                lock (_error)
                {
                    return _error.ToString();
                }
            }
        }

        /// <summary>The next line on stdout; fails with the script's stderr if it ends or stays silent too long.</summary>
        public async Task<string> ReadLineAsync(TimeSpan? timeout = null)
        {
            try
            {
                return await _lines.Reader.ReadAsync().AsTask().WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
            }
            catch (ChannelClosedException)
            {
                await _process.WaitForExitAsync();
                throw new InvalidOperationException($"node {_script} ended (exit {_process.ExitCode}) without another line.\n--- stderr\n{Error}");
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"node {_script} wrote no line within {timeout ?? TimeSpan.FromSeconds(30)}.\n--- stderr\n{Error}");
            }
        }

        /// <summary>Waits for the script to end by itself; its exit code.</summary>
        public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
        {
            try
            {
                await _process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"node {_script} did not end within {timeout ?? TimeSpan.FromSeconds(30)}.\n--- stderr\n{Error}");
            }

            await _pumps;
            return _process.ExitCode;
        }

        private async Task PumpOutputAsync()
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                _lines.Writer.TryWrite(line);
            }

            _lines.Writer.TryComplete();
        }

        private async Task PumpErrorAsync()
        {
            var buffer = new char[4096];
            int read;
            while ((read = await _process.StandardError.ReadAsync(buffer)) > 0)
            {
                lock (_error)
                {
                    _error.Append(buffer, 0, read);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended by itself.
            }

            await _process.WaitForExitAsync();
            await _pumps;
            _process.Dispose();
        }
    }

    private static ProcessStartInfo StartInfo(string script, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        Assert.True(
            System.IO.Directory.Exists(Path.Combine(Directory, "node_modules")),
            $"{Directory}/node_modules is missing: run npm ci there (scripts/test.sh does this).");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return start;
    }
}
