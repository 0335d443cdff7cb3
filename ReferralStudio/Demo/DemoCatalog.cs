namespace ReferralStudio.Demo;

/// <summary>
/// The fixed material the demo conversations are made of: ref codes and ads with their weights, the texts
/// people send, names and phone plans, conversion values. <see cref="DemoConversationBuilder"/> draws from it.
/// </summary>
internal static class DemoCatalog
{
    // Ref codes people arrive with; a few match no trigger (a typo, an old link), as in real life.
    public static readonly Code[] Codes =
    [
        new("summer_sale", 22, 1.0),
        new("black_friday", 18, 1.3),
        new("qr-store-berlin", 10, 1.5),
        new("newsletter_nov", 10, 1.2),
        new("collab_alice", 8, 0.9),
        new("collab_bob", 5, 0.9),
        new("collab_chen", 4, 0.9),
        new("collab_dana_tiktok", 4, 0.8),
        new("collab_emre", 3, 0.9),
        new("collab_farah_tiktok", 3, 0.8),
        new("collab_gus", 2, 0.9),
        new("collab_hana", 1, 0.9),
        new("bio_tiktok", 5, 0.7),
        new("launch_tiktok", 3, 0.7),
        new("giveaway_oct", 2, 0.6),
        new("sumer_sale", 1, 0.6),
        new("story_0411", 1, 0.6),
    ];

    // Click-to-Messenger / click-to-Instagram-Direct ads; an ad may carry a ref of its own.
    public static readonly Ad[] MetaAds =
    [
        new("120210345678901234", "summer_sale", "Summer Sale - up to 40% off", "image", "summer-sale", 3),
        new("120210456789012345", "black_friday", "Black Friday starts now", "video", "black-friday", 3),
        new("120210567890123456", null, "The new autumn collection", "image", "autumn-collection", 2),
    ];

    // Click-to-WhatsApp ads: WhatsApp has no ref, the ad id is the campaign identity.
    public static readonly Ad[] WhatsAppAds =
    [
        new("120211234567890123", null, "Summer Sale - up to 40% off", "image", "wa-summer-sale", 3),
        new("120211345678901234", null, "Black Friday: chat with us for early access", "video", "wa-black-friday", 2),
        new("120211456789012345", null, "Book a fitting in our Berlin store", "image", "wa-berlin-fitting", 1),
    ];

    public static readonly (string Title, string Payload)[] IceBreakers =
    [
        ("What's on sale right now?", "ICEBREAKER_SALE"),
        ("Where is your store?", "ICEBREAKER_STORE"),
        ("Do you ship to my country?", "ICEBREAKER_SHIPPING"),
        ("Can I talk to a person?", "ICEBREAKER_HUMAN"),
    ];

    public static readonly string[] Openers =
    [
        "Hi! Is the sale still on?",
        "Hey, I came from the link in your bio",
        "Hello 👋 do you have this in size M?",
        "Hi, I'd like to know more",
        "Is shipping free?",
        "Hey! Saw your post, love it",
        "Hi there, how does the discount work?",
    ];

    public static readonly string[] AdOpeners =
    [
        "Hi! I saw your ad",
        "Hello, is this still available?",
        "How much is this?",
        "Can I get more info on this?",
    ];

    public static readonly string[] FollowUpTexts =
    [
        "Do you ship to Austria?",
        "What sizes are available?",
        "Thanks! 🙏",
        "Can I pay with PayPal?",
        "Is it still in stock?",
        "How long does delivery take?",
        "Great, I'll order tonight",
        "Do you have a discount code?",
        "Can I return it if it doesn't fit?",
        "Perfect, thank you!",
        "Is the store open on Saturday?",
        "Ok 👍",
    ];

    public static readonly string[] OrganicOpeners =
    [
        "Hi, are you open on Sunday?",
        "Hello! Question about my order",
        "Hey, love your stuff!",
        "Do you have gift cards?",
        "Hi, is there a store in Hamburg?",
    ];

    public static readonly string[] WhatsAppRefTemplates =
    [
        "Hi! ref: {0}",
        "Hi! ref: {0}",
        "Hi! ref: {0}",
        "Hello, I'd like to know more. ref: {0}",
        "Hi Acme 👋 ref: {0}",
    ];

    public static readonly string[] FirstNames =
    [
        "Lena", "Jonas", "Sofia", "Mateo", "Emma", "Noah", "Chloé", "Lucas", "Mia", "Elias", "Aylin", "Oliver",
        "Hannah", "Leon", "Zoë", "Amira", "Finn", "Marta",
    ];

    public static readonly string[] LastNames =
    [
        "Fischer", "Weber", "Rossi", "García", "Jansen", "Müller", "Martin", "Silva", "Schneider", "Novak",
        "Demir", "Brown", "Becker", "Wagner", "Dubois", "Kowalski",
    ];

    // Country code, mobile prefixes and full length in digits. The first (Germany, where the store is) is the most common.
    public static readonly (string Country, string[] Prefixes, int Length)[] PhonePlans =
    [
        ("49", ["151", "152", "157", "160", "162", "170", "172", "175", "176", "177", "179"], 13),
        ("43", ["664", "676", "699"], 12),
        ("41", ["76", "78", "79"], 11),
        ("33", ["6", "7"], 11),
        ("34", ["6"], 11),
        ("31", ["6"], 11),
        ("39", ["3"], 12),
        ("44", ["7"], 12),
    ];

    public static readonly double[] PurchaseValues = [19.99, 24.90, 29.99, 39.00, 49.90, 59.99, 79.00, 89.90, 119.00, 149.00, 189.00, 249.00];
    public static readonly double[] SignupValues = [9.99, 14.99, 19.99];

    /// <summary>A ref code people arrive with, how often (a relative weight), and a factor on how often its conversations convert.</summary>
    public sealed record Code(string Ref, double Weight, double ConversionFactor);

    /// <summary>An ad, the ref it may carry, how it looks, and how often people arrive from it (a relative weight).</summary>
    public sealed record Ad(string Id, string? Ref, string Title, string MediaType, string Slug, double Weight);
}
