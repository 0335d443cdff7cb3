namespace ReferralStudio.Operations;

/// <summary>
/// Whether this process holds the right to process the inbox. On SQLite the one process that holds the files always
/// does, from the processor's start to its stop; an engine shared by several processes sets it when its lease is
/// granted and clears it when the lease is lost. Readiness requires it.
/// </summary>
public sealed class ProcessorLease
{
    private volatile bool _held;

    public bool IsHeld => _held;

    public void Acquired() => _held = true;

    public void Released() => _held = false;
}
