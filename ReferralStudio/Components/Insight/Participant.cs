using ReferralStudio.Data;
using ReferralStudio.Platforms;

namespace ReferralStudio.Components.Insight;

/// <summary>How the dashboard names the person in a conversation: by name, then username, then the platform's id.</summary>
public static class Participant
{
    public static string Who(Conversation conversation) =>
        conversation.ParticipantName is { } name
            ? conversation.ParticipantUsername is { } username ? $"{name} ({username})" : name
            : conversation.ParticipantUsername ?? conversation.ParticipantId;

    /// <summary>"Léa Martin on WhatsApp".</summary>
    public static string Title(Conversation conversation) => $"{Who(conversation)} on {PlatformNames.DisplayName(conversation.Platform)}";
}
