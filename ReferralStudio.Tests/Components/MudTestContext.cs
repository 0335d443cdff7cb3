using Bunit;
using MudBlazor;
using MudBlazor.Services;

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
    }

    /// <summary>Renders the popover and dialog providers, which menus, selects and dialogs need to open.</summary>
    protected IRenderedComponent<MudPopoverProvider> RenderProviders()
    {
        Render<MudDialogProvider>();
        return Render<MudPopoverProvider>();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();
}
