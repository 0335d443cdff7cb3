using System.Net;
using ReferralStudio.Tests.Infrastructure;
using ReferralStudio.Triggers;

namespace ReferralStudio.Tests.Triggers;

/// <summary>Defining codes and patterns through /api/triggers, and asking which one would fire.</summary>
public class TriggersApiTests : IAsyncLifetime
{
    private readonly TestStore _store;
    private TestApp _app = null!;

    public TriggersApiTests()
        : this(TestStore.Sqlite())
    {
    }

    /// <summary>The same tests on another engine (<see cref="PostgresTriggersApiTests"/>).</summary>
    protected TriggersApiTests(TestStore store) => _store = store;

    public async Task InitializeAsync() => _app = await _store.StartAppAsync();

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _store.DisposeAsync();
    }

    private Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> CreateAsync(string name, string pattern, int priority = 0, object? actions = null, string[]? platforms = null) =>
        _app.Api.PostJsonAsync("/api/triggers", new { name, pattern, priority, platforms, actions = actions ?? new { tags = Array.Empty<string>() } });

    [Fact]
    public async Task Created_Trigger_Is_Listed_With_Its_Actions()
    {
        var (status, created) = await CreateAsync("Summer", "summer_sale", actions: new { tags = new[] { "campaign:summer" }, greeting = new { text = "Hi! Here is your code.", mode = "immediate" } });

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.False(created.GetProperty("isPattern").GetBoolean());
        var list = await _app.Api.GetJsonAsync("/api/triggers");
        var trigger = Assert.Single(list.EnumerateArray());
        Assert.Equal("Summer", trigger.Str("name"));
        Assert.Equal("campaign:summer", trigger.GetProperty("actions").GetProperty("tags")[0].GetString());
        Assert.Equal("immediate", trigger.GetProperty("actions").GetProperty("greeting").Str("mode"));
        Assert.Equal(3, trigger.GetProperty("platforms").GetArrayLength());
    }

    [Theory]
    [InlineData("summer sale", "pattern")]
    [InlineData("collab_**", "pattern")]
    [InlineData("", "pattern")]
    public async Task Invalid_Pattern_Gets_400_With_The_Reason(string pattern, string field)
    {
        var (status, problem) = await CreateAsync("Bad", pattern);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotEmpty(problem.ErrorsFor(field));
    }

    [Fact]
    public async Task Unreadable_Field_Gets_400_Naming_It()
    {
        var (status, problem) = await _app.Api.PostJsonAsync("/api/triggers", """{"name":"x","pattern":"abc","priority":"high"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotEmpty(problem.ErrorsFor("priority"));
    }

    [Fact]
    public async Task Exact_Duplicate_Is_Refused_Naming_The_Other_Trigger()
    {
        await CreateAsync("Summer", "summer_sale");

        var (status, problem) = await CreateAsync("Summer again", "SUMMER_SALE");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(problem.ErrorsFor("pattern"), reason => reason.Contains("Summer"));
    }

    [Fact]
    public async Task Pattern_That_Could_Never_Win_Is_Refused_Naming_The_Trigger_That_Shadows_It()
    {
        await CreateAsync("Broad A-B", "a*b*", priority: 10);

        var (status, problem) = await CreateAsync("Narrow AB", "ab*", priority: 1);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(problem.ErrorsFor("pattern"), reason => reason.Contains("Broad A-B"));
    }

    [Fact]
    public async Task Overlapping_Patterns_Are_Saved_With_A_Warning()
    {
        await CreateAsync("Collabs", "collab_*");

        var (status, created) = await CreateAsync("2026 drops", "*_2026");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Contains(created.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("Collabs"));
    }

    [Fact]
    public async Task Match_Explains_Precedence_Exact_Then_Literals_Ignoring_Case()
    {
        await CreateAsync("All collabs", "collab_*");
        await CreateAsync("Alice collabs", "collab_alice_*");
        await CreateAsync("Alice summer", "collab_alice_summer");

        var exact = await _app.Api.GetJsonAsync("/api/triggers/match?ref=COLLAB_Alice_Summer");
        Assert.Equal("Alice summer", exact.GetProperty("winner").Str("name"));
        Assert.Equal("exact", exact.GetProperty("winner").Str("kind"));
        Assert.Equal(3, exact.GetProperty("candidates").GetArrayLength());
        Assert.False(string.IsNullOrEmpty(exact.Str("rule")));

        var pattern = await _app.Api.GetJsonAsync("/api/triggers/match?ref=collab_alice_winter");
        var winner = pattern.GetProperty("winner");
        Assert.Equal("Alice collabs", winner.Str("name"));
        Assert.Equal("winter", winner.GetProperty("captures")[0].GetString());
        var loser = pattern.GetProperty("candidates").EnumerateArray().Single(c => !c.GetProperty("wins").GetBoolean());
        Assert.Equal("All collabs", loser.Str("name"));
        Assert.False(string.IsNullOrEmpty(loser.Str("reason")));

        var none = await _app.Api.GetJsonAsync("/api/triggers/match?ref=spring");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, none.GetProperty("winner").ValueKind);
    }

    [Fact]
    public async Task Higher_Priority_Wins_Between_Patterns_With_As_Many_Literals()
    {
        await CreateAsync("Prefix", "abc_*", priority: 1);
        await CreateAsync("Suffix", "*_xyz", priority: 5);

        var result = await _app.Api.GetJsonAsync("/api/triggers/match?ref=abc_xyz");

        Assert.Equal("Suffix", result.GetProperty("winner").Str("name"));
    }

    [Fact]
    public async Task Platform_Restriction_Excludes_A_Trigger_With_Its_Reason()
    {
        await CreateAsync("IG only", "ig_*", platforms: ["instagram"]);

        var result = await _app.Api.GetJsonAsync("/api/triggers/match?ref=ig_bio&platform=whatsapp");

        Assert.Equal(System.Text.Json.JsonValueKind.Null, result.GetProperty("winner").ValueKind);
        Assert.Equal("IG only", Assert.Single(result.GetProperty("excluded").EnumerateArray()).Str("name"));
    }

    [Fact]
    public async Task Update_Changes_Matching_At_Once_And_Delete_Removes_It()
    {
        var (_, created) = await CreateAsync("Old", "old_code");
        var id = created.GetProperty("id").GetInt64();

        var (status, _) = await _app.Api.SendJsonAsync(HttpMethod.Put, $"/api/triggers/{id}", new { name = "New", pattern = "new_*" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("New", (await _app.Api.GetJsonAsync("/api/triggers/match?ref=new_thing")).GetProperty("winner").Str("name"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await _app.Api.GetJsonAsync("/api/triggers/match?ref=old_code")).GetProperty("winner").ValueKind);

        var (deleted, _) = await _app.Api.SendJsonAsync(HttpMethod.Delete, $"/api/triggers/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await _app.Api.GetJsonAsync("/api/triggers/match?ref=new_thing")).GetProperty("winner").ValueKind);
        await _app.Api.GetJsonAsync($"/api/triggers/{id}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Disabled_Trigger_Never_Matches()
    {
        await _app.Api.PostJsonAsync("/api/triggers", new { name = "Paused", pattern = "paused_*", enabled = false });

        var result = await _app.Api.GetJsonAsync("/api/triggers/match?ref=paused_one");

        Assert.Equal(System.Text.Json.JsonValueKind.Null, result.GetProperty("winner").ValueKind);
    }

    [Theory]
    [InlineData("99999999999")]
    [InlineData("-3.5")]
    [InlineData("1001")]
    [InlineData("\"high\"")]
    public async Task Priority_Outside_Its_Documented_Range_Gets_400_Saying_The_Range(string priority)
    {
        var (status, problem) = await _app.Api.PostJsonAsync("/api/triggers", $$"""{"name":"x","pattern":"abc","priority":{{priority}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal([TriggerRules.PriorityError], problem.ErrorsFor("priority"));
        Assert.Contains("-1000 to 1000", TriggerRules.PriorityError);
    }

    [Fact]
    public async Task Ad_Ids_That_Are_Not_Digits_Get_400_Naming_Each_Bad_Entry()
    {
        var (status, problem) = await _app.Api.PostJsonAsync("/api/triggers", new { name = "Ads", pattern = "ads", adIds = new[] { "120200000001", "abc", "12 34" } });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var reason = Assert.Single(problem.ErrorsFor("adIds"));
        Assert.Contains("“abc”", reason);
        Assert.Contains("“12 34”", reason);
        Assert.DoesNotContain("120200000001”", reason);
    }

    [Fact]
    public async Task Pattern_Reasons_Are_Plain_Words_Without_Code_Points_Or_Positions()
    {
        var (_, problem) = await CreateAsync("Bad", "summer sale");

        Assert.Equal(["Spaces aren't allowed in codes. Use letters A–Z, digits and _ - =, and * as a wildcard. Try summer_sale."], problem.ErrorsFor("pattern"));
    }
}

/// <summary><see cref="TriggersApiTests"/> on PostgreSQL: the same answers.</summary>
public sealed class PostgresTriggersApiTests() : TriggersApiTests(TestStore.Postgres());
