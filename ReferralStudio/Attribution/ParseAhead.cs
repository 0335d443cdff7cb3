using ReferralStudio.Hosting;
using ReferralStudio.Inbox;

namespace ReferralStudio.Attribution;

/// <summary>
/// Parses the next batch on a thread of its own, at the processor's lowered priority (on the thread
/// pool, parsing would compete with request handling at full priority).
/// </summary>
internal sealed class ParseAhead : IDisposable
{
    private readonly Func<List<PendingDelivery>, List<ParsedDelivery>> _parse;
    private readonly int _nice;
    private readonly SemaphoreSlim _input = new(0, 1);
    private readonly SemaphoreSlim _output = new(0, 1);
    private readonly Thread _thread;
    private List<PendingDelivery>? _rows;
    private List<ParsedDelivery>? _result;
    private Exception? _error;
    private bool _stopping;

    public ParseAhead(Func<List<PendingDelivery>, List<ParsedDelivery>> parse, int nice)
    {
        _parse = parse;
        _nice = nice;
        _thread = new Thread(Run) { IsBackground = true, Name = "Attribution parser" };
        _thread.Start();
    }

    public void Start(List<PendingDelivery> rows)
    {
        _rows = rows;
        _input.Release();
    }

    public List<ParsedDelivery> Take()
    {
        _output.Wait();
        if (_error is { } error)
        {
            _error = null;
            throw new InvalidOperationException("Parsing deliveries failed.", error);
        }

        return _result!;
    }

    private void Run()
    {
        BackgroundPriority.LowerCurrentThread(_nice);
        while (true)
        {
            _input.Wait();
            if (_stopping)
            {
                return;
            }

            try
            {
                _result = _parse(_rows!);
            }
            catch (Exception ex)
            {
                _error = ex;
            }

            _output.Release();
        }
    }

    public void Dispose()
    {
        _stopping = true;
        // Already signalled (a batch not yet taken up): the thread sees _stopping when it wakes.
        if (_input.CurrentCount == 0)
        {
            _input.Release();
        }

        _thread.Join();
        _input.Dispose();
        _output.Dispose();
    }
}
