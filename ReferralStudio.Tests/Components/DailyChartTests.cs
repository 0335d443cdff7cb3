using Bunit;
using ReferralStudio.Components.Insight;
using ReferralStudio.Insight;

namespace ReferralStudio.Tests.Components;

/// <summary>Per-day counts shaped for a chart (pure functions), and the chart component's render with its text alternative.</summary>
public sealed class DailyChartTests : MudTestContext
{
    private static readonly DateOnly Today = new(2026, 12, 6);
    private static readonly DateOnly From = Today.AddDays(-29);

    private static DailyCount Count(DateOnly day, string series, int count) => new(day.ToDateTime(TimeOnly.MinValue), series, count);

    [Fact]
    public void No_Rows_Give_Every_Day_Once_At_Zero_And_An_Empty_Chart()
    {
        var chart = DailyChart.Shape([], From, Today, Today);

        Assert.Equal(30, chart.Days.Count);
        Assert.Equal(30, chart.Days.Select(d => d.Label).Distinct().Count());
        Assert.Empty(chart.Lines);
        Assert.True(chart.IsEmpty);
    }

    [Fact]
    public void Sparse_Rows_Are_Zero_Filled_With_One_Label_Per_Day()
    {
        // Two days with data, one of them in two rows of the same series (as several triggers' rows can be).
        var chart = DailyChart.Shape([Count(From.AddDays(3), "attributed", 4), Count(From.AddDays(3), "attributed", 2), Count(From.AddDays(10), "attributed", 1)], From.AddDays(-1), Today.AddDays(-1), Today);

        var line = Assert.Single(chart.Lines);
        Assert.Equal(30, line.Counts.Count);
        Assert.Equal(30, chart.Days.Select(d => d.Label).Distinct().Count());
        Assert.Equal(6, line.Counts[4]);
        Assert.Equal(1, line.Counts[11]);
        Assert.Equal(7, line.Total);
        Assert.Equal(28, line.Counts.Count(c => c == 0));
        Assert.Equal(["6 Nov", "7 Nov", "8 Nov"], chart.Days.Take(3).Select(d => d.Label));
        Assert.Null(chart.PartialDay);
        Assert.False(chart.IsEmpty);
    }

    [Fact]
    public void Today_Is_Marked_Partial_Left_Out_Of_Lines_And_Drawn_As_Its_Own_Bar()
    {
        var chart = DailyChart.Shape([Count(Today.AddDays(-1), "attributed", 40), Count(Today, "attributed", 6)], Today.AddDays(-2), Today, Today);

        Assert.Equal([false, false, true], chart.Days.Select(d => d.Partial));
        Assert.Equal(Today, chart.PartialDay!.Date);
        Assert.Equal(2, chart.CompleteDays.Count);
        var lines = chart.CompleteLines();
        Assert.Equal([0.0, 40.0], Assert.Single(lines).Data.Values);
        var bars = chart.BarsWithPartialDay("Whole days", "Today so far");
        Assert.Equal([0.0, 40.0, 0.0], bars[0].Data.Values);
        Assert.Equal([0.0, 0.0, 6.0], bars[1].Data.Values);
        Assert.Equal("Today so far", bars[1].Name);
    }

    [Fact]
    public void Days_Counted_In_The_Business_Zone_Keep_Their_Partial_Day_And_Drop_The_Future()
    {
        var chart = DailyChart.FromDays([new(Today.AddDays(-1), 9, false), new(Today, 3, true), new(Today.AddDays(1), 0, false)], "Attributed", Today);

        Assert.Equal([Today.AddDays(-1), Today], chart.Days.Select(d => d.Date));
        Assert.Equal(Today, chart.PartialDay!.Date);
        Assert.Equal([9, 3], Assert.Single(chart.Lines).Counts);
        Assert.True(DailyChart.FromDays([], "Attributed", Today).IsEmpty);
    }

    [Fact]
    public void Days_After_Today_Are_Not_Drawn_As_Zeros()
    {
        var chart = DailyChart.Shape([Count(Today, "a", 1)], Today.AddDays(-1), Today.AddDays(5), Today);

        Assert.Equal(2, chart.Days.Count);
        Assert.True(chart.Days[^1].Partial);
    }

    [Fact]
    public void A_Range_In_The_Past_Has_No_Partial_Day()
    {
        var chart = DailyChart.Shape([Count(From, "a", 3)], From, From.AddDays(6), Today);

        Assert.Equal(7, chart.Days.Count);
        Assert.Null(chart.PartialDay);
        Assert.Equal(7, chart.CompleteDays.Count);
    }

    [Fact]
    public void The_Biggest_Series_Are_Kept_And_The_Rest_Summed()
    {
        var counts = Enumerable.Range(1, 8).Select(i => Count(From, $"series{i}", i)).ToList();

        var chart = DailyChart.Shape(counts, From, From, Today, top: 5);

        Assert.Equal(["series8", "series7", "series6", "series5", "series4", "3 others"], chart.Lines.Select(l => l.Name));
        Assert.Equal(1 + 2 + 3, chart.Lines[^1].Total);
        Assert.True(chart.HasOthers);
        Assert.Equal(ChartColours.Palette[^1], ChartColours.For(chart)[^1]);
        Assert.Equal(6, ChartColours.For(chart).Distinct().Count());
    }

    [Fact]
    public void One_Series_Past_The_Top_Keeps_Its_Name()
    {
        var counts = Enumerable.Range(1, 6).Select(i => Count(From, $"series{i}", i)).ToList();

        var chart = DailyChart.Shape(counts, From, From, Today, top: 5);

        Assert.Equal(6, chart.Lines.Count);
        Assert.False(chart.HasOthers);
    }

    [Fact]
    public void Labels_Are_Thinned_To_At_Most_Seven()
    {
        Assert.Equal(1, DailyChart.Shape([], Today.AddDays(-6), Today, Today).LabelInterval());
        Assert.Equal(5, DailyChart.Shape([], From, Today, Today).LabelInterval());
    }

    [Fact]
    public void The_Component_Says_Why_An_Empty_Chart_Is_Empty()
    {
        var view = Render<DailyChartView>(p => p
            .Add(x => x.Chart, DailyChart.Shape([], From, Today, Today))
            .Add(x => x.What, "Attributed conversations per day")
            .Add(x => x.EmptyText, "No attributed conversations in this range."));

        Assert.Equal("No attributed conversations in this range.", view.Find("[data-testid=chart-empty]").TextContent);
        Assert.Empty(view.FindAll("svg"));
    }

    [Fact]
    public void The_Component_Draws_Lines_Lists_Today_And_Gives_The_Numbers_As_A_Table()
    {
        var chart = DailyChart.Shape([Count(Today.AddDays(-2), "summer_sale", 5), Count(Today, "summer_sale", 2), Count(Today, "collab_bob", 1)], Today.AddDays(-2), Today, Today);

        var view = Render<DailyChartView>(p => p
            .Add(x => x.Chart, chart)
            .Add(x => x.What, "Campaign touches per day")
            .Add(x => x.EmptyText, "No campaign touches in this range."));

        Assert.NotEmpty(view.FindAll("svg"));
        var summary = view.Find("[role=img]").GetAttribute("aria-label")!;
        Assert.Contains("Campaign touches per day, 4 Dec to 6 Dec (today so far)", summary);
        Assert.Contains("summer_sale 7", summary);
        Assert.Contains("Today (6 Dec) is not over", view.Find("[data-testid=chart-partial]").TextContent);
        Assert.Contains("summer_sale 2, collab_bob 1", view.Find("[data-testid=chart-partial]").TextContent);
        // The table is built once its details are opened.
        Assert.Empty(view.FindAll("[data-testid=chart-table]"));
        view.Find("details.rs-numbers").Toggle();
        Assert.True(view.Find("details.rs-numbers").HasAttribute("open"));
        var rows = view.FindAll("[data-testid=chart-table] tbody tr");
        Assert.Equal(3, rows.Count);
        Assert.Equal("6 Dec (today, so far)", rows[2].QuerySelector("th")!.TextContent);
    }

    [Fact]
    public void The_Component_Draws_Todays_Bar_As_Its_Own_Series()
    {
        var chart = DailyChart.Shape([Count(Today.AddDays(-1), "attributed", 9), Count(Today, "attributed", 3)], Today.AddDays(-1), Today, Today);

        var view = Render<DailyChartView>(p => p
            .Add(x => x.Chart, chart).Add(x => x.Bars, true)
            .Add(x => x.What, "Attributed conversations per day")
            .Add(x => x.EmptyText, "none")
            .Add(x => x.CompleteName, "Attributed").Add(x => x.PartialName, "Today so far (the day is not over)"));

        // The bars themselves are laid out once the browser reports the chart's size; their series are shaped above.
        Assert.NotEmpty(view.FindAll("svg.mud-chart-bar"));
        Assert.Empty(view.FindAll("[data-testid=chart-partial]"));
        view.Find("details.rs-numbers").Toggle();
        Assert.Equal("6 Dec (today, so far)", view.FindAll("[data-testid=chart-table] tbody th")[^1].TextContent);

        // Closed again, the table goes.
        view.Find("details.rs-numbers").Toggle();
        Assert.False(view.Find("details.rs-numbers").HasAttribute("open"));
        Assert.Empty(view.FindAll("[data-testid=chart-table]"));
    }
}
