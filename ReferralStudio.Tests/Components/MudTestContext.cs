using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using ReferralStudio.Audit;

namespace ReferralStudio.Tests.Components;

/// <summary>
/// A bunit context with MudBlazor's services and providers, for component tests. MudBlazor's services are
/// IAsyncDisposable, which xunit 2 only awaits through IAsyncLifetime.
/// </summary>
public abstract class MudTestContext : BunitContext, IAsyncLifetime
{
    protected MudTestContext()
    {
        // Pages wait on a real database, and CI shares two cores between the app, the browser tests and this host:
        // bunit's one-second default fails on a busy machine, not on a wrong page.
        DefaultWaitTimeout = TimeSpan.FromSeconds(20);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        // As the app registers it: pages that change something name the test's signed-in user (or the app itself).
        Services.AddScoped<IAuditActor, CurrentAuditActor>();
    }

    /// <summary>Renders the popover and dialog providers, which menus, selects and dialogs need to open.</summary>
    protected IRenderedComponent<MudPopoverProvider> RenderProviders()
    {
        Render<MudDialogProvider>();
        return Render<MudPopoverProvider>();
    }

    /// <summary>The element marked with this data-testid.</summary>
    protected static IElement ByTestId<TComponent>(IRenderedComponent<TComponent> cut, string testId) where TComponent : IComponent =>
        cut.Find($"[data-testid='{testId}']");

    /// <summary>
    /// Types into a field in one step on the renderer: a debounce timer or a query finishing can re-render between a
    /// Find and an Input on the test's thread, and the Input then names a handler that no longer exists.
    /// </summary>
    protected static Task TypeAsync<TComponent>(IRenderedComponent<TComponent> cut, string testId, string text) where TComponent : IComponent =>
        cut.InvokeAsync(() => ByTestId(cut, testId).Input(text));

    /// <summary>Clicks in one step on the renderer, for the same reason as <see cref="TypeAsync"/>.</summary>
    protected static Task ClickAsync<TComponent>(IRenderedComponent<TComponent> cut, string testId) where TComponent : IComponent =>
        cut.InvokeAsync(() => ByTestId(cut, testId).Click());

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();
}
