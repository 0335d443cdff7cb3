using System.Text.Json;
using ReferralStudio.MetaConversions;

namespace ReferralStudio.Tests.MetaConversions;

/// <summary>Which conversions become Meta events, decided without a database.</summary>
public sealed class MetaConversionPlannerTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-11-20T10:00:00Z");
    private static readonly MetaConversionsOptions Options = new();

    private static MetaConversionPlan? Plan(string platform, AdTouch? touch, string type = "purchase", bool simulatedOrDemo = false) =>
        MetaConversionPlanner.Plan(platform, "1000", platform == "whatsapp" ? "2000" : null, "user-1", simulatedOrDemo, touch, type, 10, "EUR", At, "ext-1", Options);

    [Fact]
    public void Nothing_Is_Planned_Without_An_Ad_Touch_Or_For_A_Simulated_Or_Demo_Conversation()
    {
        Assert.Null(Plan("instagram", null));
        Assert.Null(Plan("instagram", new AdTouch(1, "ad-1", null), simulatedOrDemo: true));
    }

    [Fact]
    public void A_WhatsApp_Ad_Without_A_Click_Id_Is_Skipped_With_The_Reason()
    {
        var plan = Plan("whatsapp", new AdTouch(1, "ad-1", null))!;

        Assert.Equal(MetaConversionStatus.Skipped, plan.Status);
        Assert.Contains("ctwa_clid", plan.Reason);
        Assert.Equal("", plan.Payload);
    }

    [Theory]
    [InlineData("purchase", "Purchase")]
    [InlineData("PURCHASE", "Purchase")]
    [InlineData(" signup ", "LeadSubmitted")]
    [InlineData("lead", "LeadSubmitted")]
    [InlineData("checkout", "InitiateCheckout")]
    public void Conversion_Types_Map_To_Metas_Standard_Events_Ignoring_Case(string type, string expected) =>
        Assert.Equal(expected, Plan("messenger", new AdTouch(1, "ad-1", null), type)!.EventName);

    [Fact]
    public void A_Type_Mapped_To_An_Empty_Name_Is_Not_Sent()
    {
        var options = new MetaConversionsOptions();
        options.EventNames["signup"] = "";

        Assert.Null(options.EventNameFor("signup"));
        Assert.Equal("Purchase", options.EventNameFor("purchase"));
    }

    [Fact]
    public void The_Request_Body_Wraps_The_Event_In_Data()
    {
        var plan = Plan("instagram", new AdTouch(1, "ad-1", null))!;

        using var body = JsonDocument.Parse(MetaConversionPlanner.RequestBody(plan.Payload));
        var sent = Assert.Single(body.RootElement.GetProperty("data").EnumerateArray());
        Assert.Equal(At.ToUnixTimeSeconds(), sent.GetProperty("event_time").GetInt64());
        Assert.Equal("ext-1", sent.GetProperty("event_id").GetString());
        Assert.Equal("user-1", sent.GetProperty("user_data").GetProperty("ig_sid").GetString());
    }
}
