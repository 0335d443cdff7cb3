using Microsoft.Extensions.DependencyInjection;
using ReferralStudio.Demo;
using ReferralStudio.Tests.Infrastructure;

namespace ReferralStudio.Tests.Demo;

public sealed class DemoProgressTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(systemClock: true);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private DemoLoader Demo => _app.Services.GetRequiredService<DemoLoader>();

    [Fact]
    public async Task Load_Progress_Passes_Every_Stage_In_Order_Never_Goes_Back_And_Ends_At_100()
    {
        var reported = new Recorder();
        var raised = new Recorder();
        Demo.ProgressChanged += raised.Report;

        var result = await Demo.LoadAsync(conversations: 200, reported);

        Assert.True(result.Loaded);
        Assert.Equal(200, result.Conversations);
        Assert.True(result.Deliveries >= 200);
        var steps = reported.Steps;
        Assert.Equal(steps, raised.Steps);
        Assert.Equal(
            [DemoStage.Preparing, DemoStage.Triggers, DemoStage.Deliveries, DemoStage.Conversions, DemoStage.Done],
            steps.Select(s => s.Stage).Distinct());
        Assert.Equal(0, steps[0].Percent);
        Assert.All(steps.Zip(steps.Skip(1)), pair => Assert.True(pair.Second.Percent >= pair.First.Percent, $"{pair.First} then {pair.Second}"));
        var fed = steps.Where(s => s.Stage == DemoStage.Deliveries).ToList();
        Assert.True(fed.Count > 10, "the deliveries move the bar in many steps, not one");
        Assert.All(fed.Zip(fed.Skip(1)), pair => Assert.True(pair.Second.Done > pair.First.Done && pair.Second.Percent >= pair.First.Percent));
        Assert.Equal(result.Deliveries, fed[^1].Done);
        Assert.Equal(result.Deliveries, fed[^1].Total);
        Assert.Contains(steps, s => s.Stage == DemoStage.Conversions && s.Done == result.Conversions && s.Total == result.Conversions);
        Assert.Equal(new DemoProgress(DemoStage.Done, 1, 1, 100), steps[^1]);
        Assert.True(steps.Count(s => s.Percent < 100) > 10, "a bar with a handful of jumps is no progress bar");
        Assert.Null(Demo.Current);

        var clearing = new Recorder();
        await Demo.ClearAsync(clearing);
        Assert.Equal(new DemoProgress(DemoStage.Done, 1, 1, 100), clearing.Steps[^1]);
        Assert.All(clearing.Steps.Zip(clearing.Steps.Skip(1)), pair => Assert.True(pair.Second.Percent >= pair.First.Percent));
    }

    [Fact]
    public async Task A_Second_Load_Or_A_Clear_While_Loading_Is_Refused_And_The_First_Load_Completes()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Holds the first load inside its first step until the test has tried the others.
        var first = Demo.LoadAsync(conversations: 120, new Recorder(step =>
        {
            if (step.Stage == DemoStage.Preparing && step.Done == 0)
            {
                started.SetResult();
                Assert.True(release.Task.Wait(TimeSpan.FromSeconds(30)));
            }
        }));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(DemoStage.Preparing, Demo.Current?.Stage);
        var second = await Demo.LoadAsync(conversations: 120);
        var clear = await Demo.ClearAsync();
        release.SetResult();
        var loaded = await first;

        Assert.False(second.Loaded);
        Assert.Equal("Demo data is already being loaded; wait until it has finished.", second.Refusal);
        Assert.False(clear.Cleared);
        Assert.Equal(second.Refusal, clear.Refusal);
        Assert.True(loaded.Loaded);
        Assert.Equal(120, (await Demo.SummarizeAsync()).Conversations);
        Assert.Empty(Reliability.TestDatabase.ForeignKeyViolations(_app.DatabasePath));

        // Loaded: a load on top is refused too, until it is cleared.
        var again = await Demo.LoadAsync(conversations: 120);
        Assert.Equal("Demo data is already loaded; clear it before loading it again.", again.Refusal);
        Assert.Equal(120, (await Demo.SummarizeAsync()).Conversations);
        Assert.True((await Demo.ClearAsync()).Cleared);
        Assert.True((await Demo.LoadAsync(conversations: 30)).Loaded);
    }

    [Fact]
    public async Task A_Cancelled_Load_Ends_With_Stopped_Frees_The_Loader_And_Clears_Completely()
    {
        var steps = new Recorder();
        using var cancel = new CancellationTokenSource();
        var load = Demo.LoadAsync(conversations: 50, new Recorder(step =>
        {
            steps.Report(step);
            if (step.Stage == DemoStage.Deliveries && step.Done > 0)
            {
                cancel.Cancel();
            }
        }), cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => load);

        Assert.Equal(DemoStage.Stopped, steps.Steps[^1].Stage);
        Assert.Null(Demo.Current);
        Assert.True(await Demo.HasDemoDataAsync());
        // No waiting here: the clear itself waits until the stored deliveries are applied, so none comes back after it.
        Assert.True((await Demo.ClearAsync()).Cleared);
        Assert.False(await Demo.HasDemoDataAsync());
        await _app.WhenIdleAsync();
        Assert.Equal(DemoSummary.None, await Demo.SummarizeAsync());
    }

    [Fact]
    public void The_Percent_Never_Goes_Back_Even_When_A_Stage_Reports_Late()
    {
        var tracker = DemoProgressTracker.ForLoad();

        var conversions = tracker.Step(DemoStage.Conversions, 3, 10);
        var late = tracker.Step(DemoStage.Deliveries, 1, 10);

        Assert.Equal(conversions.Percent, late.Percent);
        Assert.Equal(100, tracker.Finish().Percent);
        Assert.Equal(100, tracker.Stop().Percent);
    }

    /// <summary>Records every step synchronously, in order (Progress&lt;T&gt; would post them to the thread pool).</summary>
    private sealed class Recorder(Action<DemoProgress>? also = null) : IProgress<DemoProgress>
    {
        private readonly List<DemoProgress> _steps = [];

        public List<DemoProgress> Steps
        {
            get
            {
                lock (_steps)
                {
                    return [.. _steps];
                }
            }
        }

        public void Report(DemoProgress value)
        {
            lock (_steps)
            {
                _steps.Add(value);
            }

            also?.Invoke(value);
        }
    }
}
