using System.Text.Json;
using Microsoft.Playwright;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Browser;

/// <summary>axe-core (installed by npm ci in ReferralStudio.Tests/Node) run on a page as it is now.</summary>
public static class Axe
{
    private static readonly string Script = Path.Combine(NodeScripts.Directory, "node_modules", "axe-core", "axe.min.js");

    /// <summary>Each WCAG 2.1 A/AA violation as "rule (impact): help; n element(s), e.g. targets".</summary>
    public static async Task<List<string>> ViolationsAsync(IPage page)
    {
        Assert.True(File.Exists(Script), $"{Script} is missing: run ./scripts/test.sh (npm ci installs axe-core).");
        if (await page.EvaluateAsync<bool>("() => typeof window.axe === 'undefined'"))
        {
            // Evaluated rather than added as a script tag: the dashboard's CSP refuses inline script elements.
            await page.EvaluateAsync("() => {\n" + await File.ReadAllTextAsync(Script) + "\n}");
        }

        var json = await page.EvaluateAsync<string>("""
            async () => {
              const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
              return JSON.stringify(result.violations.map(v =>
                `${v.id} (${v.impact}): ${v.help}; ${v.nodes.length} element(s), e.g. ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`));
            }
            """);
        return JsonSerializer.Deserialize<List<string>>(json)!;
    }
}
