namespace ReferralStudio.Audit;

/// <summary>The entity types and actions the log records; the page's filters list these.</summary>
public static class AuditActions
{
    public const string Trigger = "trigger";
    public const string Account = "account";
    public const string Subscription = "subscription";
    public const string Demo = "demo";
    public const string User = "user";
    public const string ApiKey = "api_key";
    public const string TeamSettings = "team";
    public const string Link = "link";

    public const string TriggerCreated = "trigger.created";
    public const string TriggerUpdated = "trigger.updated";
    public const string TriggerEnabled = "trigger.enabled";
    public const string TriggerDisabled = "trigger.disabled";
    public const string TriggerDeleted = "trigger.deleted";

    public const string AccountCreated = "account.created";
    public const string AccountUpdated = "account.updated";
    public const string AccountTokenSet = "account.token_set";
    public const string AccountTokenRemoved = "account.token_removed";
    public const string AccountDeleted = "account.deleted";

    public const string SubscriptionCreated = "subscription.created";
    public const string SubscriptionSecretRotated = "subscription.secret_rotated";
    public const string SubscriptionEnabled = "subscription.enabled";
    public const string SubscriptionDisabled = "subscription.disabled";
    public const string SubscriptionDeleted = "subscription.deleted";

    public const string DemoLoaded = "demo.loaded";
    public const string DemoCleared = "demo.cleared";

    public const string UserInvited = "user.invited";
    public const string UserJoined = "user.joined";
    public const string UserRoleChanged = "user.role_changed";
    public const string UserDisabled = "user.disabled";
    public const string UserEnabled = "user.enabled";
    public const string UserRemoved = "user.removed";
    public const string UserTwoStepEnabled = "user.two_step_enabled";
    public const string UserTwoStepDisabled = "user.two_step_disabled";
    public const string UserTwoStepReset = "user.two_step_reset";
    public const string UserRecoveryCodesRenewed = "user.recovery_codes_renewed";

    public const string TeamSignInRulesChanged = "team.sign_in_rules_changed";

    public const string ApiKeyCreated = "api_key.created";
    public const string ApiKeyRevoked = "api_key.revoked";

    public const string LinkCreated = "link.created";
    public const string LinkUpdated = "link.updated";

    public static readonly string[] EntityTypes = [Account, ApiKey, Demo, Link, Subscription, TeamSettings, Trigger, User];

    public static readonly string[] All =
    [
        TriggerCreated, TriggerUpdated, TriggerEnabled, TriggerDisabled, TriggerDeleted,
        AccountCreated, AccountUpdated, AccountTokenSet, AccountTokenRemoved, AccountDeleted,
        SubscriptionCreated, SubscriptionSecretRotated, SubscriptionEnabled, SubscriptionDisabled, SubscriptionDeleted,
        DemoLoaded, DemoCleared,
        UserInvited, UserJoined, UserRoleChanged, UserDisabled, UserEnabled, UserRemoved,
        UserTwoStepEnabled, UserTwoStepDisabled, UserTwoStepReset, UserRecoveryCodesRenewed,
        TeamSignInRulesChanged,
        ApiKeyCreated, ApiKeyRevoked,
        LinkCreated, LinkUpdated,
    ];
}
