using ReferralStudio.Data;

namespace ReferralStudio.Referrals;

/// <summary>
/// Who the conversation is with. <see cref="Id"/> is stable for the conversation; on WhatsApp the phone (when Meta
/// sends it), the business-scoped user id (BSUID), its parent and the username are kept beside it.
/// </summary>
public sealed record ParticipantDto(string Id, string? Phone, string? UserId, string? ParentUserId, string? Username, string? Name)
{
    public static ParticipantDto From(Conversation c) =>
        new(c.ParticipantId, c.ParticipantPhone, c.ParticipantUserId, c.ParticipantParentUserId, c.ParticipantUsername, c.ParticipantName);
}
