namespace ReferralStudio.Alerts;

/// <summary>
/// The open alerts as the last check left them, for the dashboard and the API, with a notice on every change (components
/// subscribe, re-render with <c>InvokeAsync(StateHasChanged)</c> and unsubscribe when disposed).
/// </summary>
public sealed class AlertBoard
{
    private volatile IReadOnlyList<AlertDto> _open = [];

    public IReadOnlyList<AlertDto> Open => _open;

    public event Action? Changed;

    public void Publish(IReadOnlyList<AlertDto> open)
    {
        _open = open;
        Changed?.Invoke();
    }
}
