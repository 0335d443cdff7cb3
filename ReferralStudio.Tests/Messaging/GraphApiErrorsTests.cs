using ReferralStudio.Messaging;

namespace ReferralStudio.Tests.Messaging;

/// <summary>Meta's refusals as the outbox views show them, for greetings and conversions alike.</summary>
public sealed class GraphApiErrorsTests
{
    [Theory]
    [InlineData("""{"error":{"message":"Invalid parameter","code":100,"error_subcode":2804066,"error_user_msg":"Messaging Event Invalid Event Type"}}""", "Meta error 100/2804066: Invalid parameter (Messaging Event Invalid Event Type)")]
    [InlineData("""{"error":{"message":"(#131062) BSUID recipients are not supported","code":131062}}""", "Meta error 131062: (#131062) BSUID recipients are not supported")]
    [InlineData("""{"error":{"message":"Something broke"}}""", "Something broke")]
    [InlineData("<html>Bad gateway</html>", "<html>Bad gateway</html>")]
    [InlineData("", null)]
    public void Metas_Error_Is_Read_With_Its_Code_And_Subcode(string body, string? expected) =>
        Assert.Equal(expected, GraphApiErrors.Describe(body));
}
