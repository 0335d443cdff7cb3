using System.Diagnostics;

namespace ReferralStudio.Tests.Infrastructure;

/// <summary>
/// Runs the scripts in ReferralStudio.Tests/Node with node: official third-party clients (SignalR's
/// JavaScript client, the Standard Webhooks verifier, an OpenAPI linter) judging the real app.
/// scripts/test.sh installs their packages with npm ci.
/// </summary>
public static class NodeScripts
{
    public static string Directory { get; } = Path.Combine(TestApp.RepoRoot, "ReferralStudio.Tests", "Node");

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

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} did not finish within {timeout ?? TimeSpan.FromMinutes(2)}: {await error}");
        }

        return new Result(process.ExitCode, await output, await error);
    }
}
