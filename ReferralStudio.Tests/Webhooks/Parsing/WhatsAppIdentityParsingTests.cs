using System.Text;
using ReferralStudio.Webhooks.Parsing;

namespace ReferralStudio.Tests.Webhooks.Parsing;

/// <summary>
/// WhatsApp's 2026 identity shapes (usernames, business-scoped user ids), as public SDK fixtures built from Meta's
/// documentation show them (shared/reference/meta-webhooks.md, section 9).
/// </summary>
public class WhatsAppIdentityParsingTests
{
    private const string PhoneNumberId = "106540352242922";
    private const string Bsuid = "US.13491208655302741918";
    private const string ParentBsuid = "US.ENT.11815799212886844830";

    private static ParseResult Parse(string json) => MetaPayloadParser.Parse(Encoding.UTF8.GetBytes(json));

    private static string Change(string field, string value) => $$"""
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","time":1749416383,"changes":[{"field":"{{field}}","value":{{value}}}]}]}
        """;

    private static string Messages(string contacts, string messages) => Change("messages", $$"""
        {"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"{{PhoneNumberId}}"},
         "contacts":{{contacts}},"messages":{{messages}}}
        """);

    [Fact]
    public void Message_With_The_Phone_Withheld_Is_Identified_By_Its_Bsuid()
    {
        var result = Parse(Messages(
            $$"""[{"profile":{"name":"Sheena Nelson","username":"@realsheenanelson"},"user_id":"{{Bsuid}}","parent_user_id":"{{ParentBsuid}}"}]""",
            """[{"id":"wamid.withheld","timestamp":"1749416383","type":"text","text":{"body":"Hi"} }]"""));

        Assert.Empty(result.Rejected);
        var ev = Assert.Single(result.Events);
        Assert.Equal(Bsuid, ev.ParticipantId);
        Assert.Equal("Sheena Nelson", ev.ParticipantName);
        Assert.Equal(new WhatsAppIdentity(null, Bsuid, ParentBsuid, "@realsheenanelson"), ev.Identity);
    }

    [Fact]
    public void Message_With_From_User_Id_Finds_Its_Contact_Among_Several()
    {
        var result = Parse(Messages(
            $$"""[{"profile":{"name":"Other"},"user_id":"US.999"},{"profile":{"name":"Sheena"},"user_id":"{{Bsuid}}"}]""",
            $$"""[{"from_user_id":"{{Bsuid}}","id":"wamid.fromuser","timestamp":"1749416383","type":"text","text":{"body":"Hi"} }]"""));

        var ev = Assert.Single(result.Events);
        Assert.Equal(Bsuid, ev.ParticipantId);
        Assert.Equal("Sheena", ev.ParticipantName);
    }

    [Fact]
    public void Message_With_Phone_And_Bsuid_Is_Keyed_By_The_Phone_And_Carries_Both()
    {
        var result = Parse(Messages(
            $$"""[{"profile":{"name":"Sheena"},"wa_id":"16505551234","user_id":"{{Bsuid}}"}]""",
            """[{"from":"16505551234","id":"wamid.both","timestamp":"1749416383","type":"text","text":{"body":"Hi"} }]"""));

        var ev = Assert.Single(result.Events);
        Assert.Equal("16505551234", ev.ParticipantId);
        Assert.Equal(new WhatsAppIdentity("16505551234", Bsuid, null, null), ev.Identity);
    }

    [Fact]
    public void Click_To_WhatsApp_Referral_In_A_Bsuid_Only_Message_Is_Kept()
    {
        var result = Parse(Messages(
            $$"""[{"profile":{"name":"Sheena"},"user_id":"{{Bsuid}}"}]""",
            """
            [{"id":"wamid.ctwa","timestamp":"1749416383","type":"text","text":{"body":"Hi! I saw your ad"},
              "referral":{"source_url":"https://fb.me/3cr4Wqqkv","source_id":"120226305854810726","source_type":"ad","ctwa_clid":"ARAkLkA8rmlF"}}]
            """));

        var ev = Assert.Single(result.Events);
        Assert.Equal(Bsuid, ev.ParticipantId);
        Assert.Equal("120226305854810726", ev.Referral!.AdId);
        Assert.Equal("ARAkLkA8rmlF", ev.Referral.CtwaClid);
        Assert.True(ev.Referral.IsCampaignTouch);
    }

    [Fact]
    public void Group_Message_Is_Context_And_Never_A_Conversation_Event()
    {
        var result = Parse(Messages(
            $$"""[{"profile":{"name":"Sheena"},"user_id":"{{Bsuid}}"}]""",
            $$"""
            [{"group_id":"120363025246125486@g.us","from_user_id":"{{Bsuid}}","from_parent_user_id":"{{ParentBsuid}}",
              "id":"wamid.group","timestamp":"1749416383","type":"text","text":{"body":"ref=summer_sale"} }]
            """));

        Assert.Empty(result.Events);
        Assert.Empty(result.Rejected);
        var group = Assert.Single(result.GroupMessages);
        Assert.Equal("120363025246125486@g.us", group.GroupId);
        Assert.Equal(Bsuid, group.SenderId);
        Assert.Equal("ref=summer_sale", group.Text);
        Assert.Contains("120363025246125486@g.us", group.RawJson);
    }

    [Fact]
    public void System_Message_About_A_Changed_User_Id_Is_An_Identity_Change_Not_A_Message()
    {
        var result = Parse(Messages(
            """[{"profile":{"name":"Sheena"},"wa_id":"16505551234","user_id":"US.111"}]""",
            """
            [{"from":"16505551234","id":"wamid.system","timestamp":"1749416383","type":"system",
              "system":{"body":"User Sheena changed from US.111 to US.222","type":"user_changed_user_id","user_id":"US.222"}}]
            """));

        Assert.Empty(result.Events);
        var change = Assert.Single(result.IdentityChanges);
        Assert.Equal(PhoneNumberId, change.AccountId);
        Assert.Equal("16505551234", change.Phone);
        Assert.Equal("US.111", change.PreviousUserId);
        Assert.Equal("US.222", change.CurrentUserId);
        Assert.Equal("system_message", change.Source);
    }

    [Fact]
    public void Other_System_Messages_Are_Ignored()
    {
        var result = Parse(Messages(
            """[{"profile":{"name":"Sheena"},"wa_id":"16505551234"}]""",
            """
            [{"from":"16505551234","id":"wamid.number","timestamp":"1749416383","type":"system",
              "system":{"body":"User changed number","type":"user_changed_number","new_wa_id":"16505550000"}}]
            """));

        Assert.Empty(result.Events);
        Assert.Empty(result.IdentityChanges);
        Assert.Equal(1, result.IgnoredCount);
    }

    [Fact]
    public void User_Id_Update_Field_Is_An_Identity_Change()
    {
        var result = Parse(Change("user_id_update", $$"""
            {"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"{{PhoneNumberId}}"},
             "user_id_update":[{"wa_id":"16505551234","user_id":{"previous":"US.111","current":"US.222"},
                                "parent_user_id":{"previous":"US.ENT.1","current":"US.ENT.2"},"timestamp":"1749416400"}]}
            """));

        Assert.Empty(result.Rejected);
        var change = Assert.Single(result.IdentityChanges);
        Assert.Equal(("16505551234", "US.111", "US.222", "US.ENT.1", "US.ENT.2"),
            (change.Phone, change.PreviousUserId, change.CurrentUserId, change.PreviousParentUserId, change.CurrentParentUserId));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1749416400), change.OccurredAt);
        Assert.Equal("user_id_update", change.Source);
    }

    [Fact]
    public void User_Id_Update_Without_A_Current_Id_Is_Rejected_With_The_Reason()
    {
        var result = Parse(Change("user_id_update", $$"""
            {"metadata":{"phone_number_id":"{{PhoneNumberId}}"},"user_id_update":[{"wa_id":"16505551234","user_id":{"previous":"US.111"},"timestamp":"1749416400"}]}
            """));

        Assert.Empty(result.IdentityChanges);
        Assert.Equal("user_id_update.user_id.current is missing", Assert.Single(result.Rejected).Reason);
    }

    [Fact]
    public void Status_Carrying_A_User_Id_Is_Ignored_Like_Every_Receipt()
    {
        var result = Parse(Change("messages", $$"""
            {"messaging_product":"whatsapp","metadata":{"phone_number_id":"{{PhoneNumberId}}"},
             "statuses":[{"id":"wamid.out","status":"delivered","timestamp":"1749416383","user_id":"{{Bsuid}}"},
                         {"id":"wamid.out2","status":"read","timestamp":"1749416384","recipient_id":"16505551234","user_id":"{{Bsuid}}"}]}
            """));

        Assert.Empty(result.Events);
        Assert.Empty(result.Rejected);
        Assert.Equal(2, result.IgnoredCount);
    }

    [Theory]
    [InlineData("US.13491208655302741918", true)]
    [InlineData("US.ENT.11815799212886844830", true)]
    [InlineData("16505551234", false)]
    [InlineData("491701234567", false)]
    public void Bsuids_Are_Told_Apart_From_Phone_Numbers(string id, bool isUserId) =>
        Assert.Equal(isUserId, WhatsAppIdentity.IsUserId(id));
}
