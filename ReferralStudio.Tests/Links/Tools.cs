using System.Diagnostics;

namespace ReferralStudio.Tests.Links;

/// <summary>Outside programs the tests use as independent judges: zbarimg decodes QR codes, node runs the button's script.</summary>
internal static class Tools
{
    private const string ZbarImg = "/usr/bin/zbarimg";
    private const string Node = "/usr/bin/node";

    /// <summary>The text of every QR code zbarimg finds in <paramref name="png"/>.</summary>
    public static string[] DecodeQr(byte[] png)
    {
        Assert.True(File.Exists(ZbarImg), $"{ZbarImg} is missing: install Debian's zbar-tools (apt-get install -y zbar-tools); scripts/test.sh does this.");
        var path = Path.Combine(Path.GetTempPath(), $"referralstudio-qr-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(path, png);
        try
        {
            var (exit, output) = Run(ZbarImg, ["--quiet", "--raw", path], stdin: null);
            Assert.True(exit is 0 or 4, $"zbarimg failed with exit code {exit}");
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Runs <paramref name="script"/> with node and returns what it printed.</summary>
    public static string RunNode(string script)
    {
        Assert.True(File.Exists(Node), $"{Node} is missing: install Debian's nodejs.");
        var (exit, output) = Run(Node, ["-"], script);
        Assert.True(exit == 0, $"node failed with exit code {exit}: {output}");
        return output;
    }

    private static (int Exit, string Output) Run(string program, string[] args, string? stdin)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), $"{program} did not finish within a minute");
        return (process.ExitCode, process.ExitCode is 0 or 4 ? output : output + stderr.Result);
    }
}
