using System.Text;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace ReferralStudio.Tests.Reliability;

/// <summary>Generators for hostile input: Meta-shaped JSON trees with wrong types and odd values, header strings, refs.</summary>
internal static class HostileInputGenerators
{
    public const string RefAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-=";

    private static readonly string[] MetaKeys =
    [
        "object", "entry", "id", "time", "messaging", "standby", "changes", "field", "value", "sender", "recipient",
        "timestamp", "message", "mid", "text", "referral", "ref", "source", "type", "ad_id", "ads_context_data",
        "postback", "payload", "title", "is_echo", "read", "delivery", "reaction", "user_ref", "referer_uri", "product",
        "messaging_product", "metadata", "phone_number_id", "display_phone_number", "contacts", "profile", "name",
        "wa_id", "messages", "from", "statuses", "body", "ctwa_clid", "source_id", "source_type", "source_url",
        "headline", "media_type", "image_url", "x-referralstudio-simulated", "",
    ];

    private static readonly string[] Objects = ["instagram", "page", "whatsapp_business_account", "permissions", "", "INSTAGRAM"];

    /// <summary>Strings that have broken parsers before: empty, huge, control characters, lone surrogates, numbers as text.</summary>
    public static Gen<string> NastyString { get; } = Gen.OneOf(
        Gen.Elements("", " ", "0", "-1", "1e999", "NaN", "null", "true", "summer_sale", "collab_*", "a b", "\u0000", "\t\n",
            "\ud800", "\udfff", "\ud83d\ude00", "é", "ref: x", new string('a', 2083), new string('a', 2084), "99999999999999999999999"),
        ArbMap.Default.GeneratorFor<string>().Where(s => s is not null),
        Gen.Choose(0, 40).SelectMany(n => Gen.ArrayOf(Gen.Elements(RefAlphabet.ToCharArray()), n)).Select(c => new string(c)));

    private static Gen<JsonNode?> Leaf { get; } = Gen.OneOf(
        NastyString.Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.Elements<JsonNode?>(null, JsonValue.Create(true), JsonValue.Create(false), JsonValue.Create(0), JsonValue.Create(-1),
            JsonValue.Create(long.MaxValue), JsonValue.Create(long.MinValue), JsonValue.Create(1.5e308), JsonValue.Create(-0.0),
            JsonValue.Create(1763700000000), JsonValue.Create(1763700000), JsonValue.Create(253_402_300_800_000), JsonValue.Create(ulong.MaxValue)),
        ArbMap.Default.GeneratorFor<long>().Select(l => (JsonNode?)JsonValue.Create(l)),
        ArbMap.Default.GeneratorFor<double>().Where(double.IsFinite).Select(d => (JsonNode?)JsonValue.Create(d)));

    private static Gen<JsonNode?> Tree(int size) => size <= 0
        ? Leaf
        : Gen.Frequency(
            (2, Leaf),
            (3, Gen.Choose(0, 5).SelectMany(n => Gen.ListOf(Gen.Zip(Gen.Elements(MetaKeys), Tree(size / 2)), n))
                .Select(pairs =>
                {
                    var obj = new JsonObject();
                    foreach (var (key, value) in pairs)
                    {
                        obj[key] = value?.DeepClone();
                    }

                    return (JsonNode?)obj;
                })),
            (2, Gen.Choose(0, 4).SelectMany(n => Gen.ListOf(Tree(size / 2), n)).Select(items => (JsonNode?)new JsonArray([.. items.Select(i => i?.DeepClone())]))));

    /// <summary>A Meta envelope (a known or unknown <c>object</c>, an <c>entry</c> array) whose insides are random Meta-keyed trees.</summary>
    public static Gen<string> MetaLikeJson { get; } = Gen.Sized(size =>
        Gen.Zip(Gen.Elements(Objects), Gen.ListOf(Tree(Math.Min(size, 24)), 3))
            .Select(t =>
            {
                var (objectName, entries) = t;
                return new JsonObject { ["object"] = objectName, ["entry"] = new JsonArray([.. entries.Select(e => e?.DeepClone())]) }.ToJsonString();
            }));

    private static readonly string[] ValidBodies =
    [
        Infrastructure.Payloads.Instagram(Infrastructure.Payloads.Referral("IGSID-1", DateTimeOffset.UnixEpoch.AddYears(56), "summer_sale")),
        Infrastructure.Payloads.Instagram(Infrastructure.Payloads.Message("IGSID-2", DateTimeOffset.UnixEpoch.AddYears(56), "hi", Infrastructure.Payloads.RefLink("bio"))),
        Infrastructure.Payloads.Messenger(Infrastructure.Payloads.Postback("PSID-1", DateTimeOffset.UnixEpoch.AddYears(56), "Get Started", "GS", Infrastructure.Payloads.AdReferral("ad-1", "ad_ref"))),
        Infrastructure.Payloads.WhatsApp(Infrastructure.Payloads.WhatsAppText("4915100000000", DateTimeOffset.UnixEpoch.AddYears(56), "ref: wa_code")),
        Infrastructure.Payloads.WhatsApp(Infrastructure.Payloads.WhatsAppText("4915100000001", DateTimeOffset.UnixEpoch.AddYears(56), "hello", Infrastructure.Payloads.CtwaReferral("src-1", "clid-1"))),
    ];

    /// <summary>A valid Meta body with one value (string, number, object or array anywhere in it) replaced by a hostile one.</summary>
    public static Gen<string> MutatedValidJson { get; } =
        Gen.Zip(Gen.Zip(Gen.Elements(ValidBodies), Gen.Choose(0, 1000)), Tree(4)).Select(t =>
        {
            var ((body, pick), replacement) = t;
            var root = JsonNode.Parse(body)!;
            var nodes = new List<JsonNode>();
            Collect(root, nodes);
            var target = nodes[pick % nodes.Count];
            switch (target.Parent)
            {
                case JsonObject parent:
                    parent[target.GetPropertyName()] = replacement?.DeepClone();
                    break;
                case JsonArray array:
                    array[target.GetElementIndex()] = replacement?.DeepClone();
                    break;
            }

            return root.ToJsonString();
        });

    /// <summary>Both kinds: random Meta-keyed trees and mutated real bodies.</summary>
    public static Gen<string> HostileJson { get; } = Gen.OneOf(MetaLikeJson, MutatedValidJson);

    private static void Collect(JsonNode node, List<JsonNode> into)
    {
        if (node.Parent is not null)
        {
            into.Add(node);
        }

        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject obj => obj.Select(p => p.Value),
            JsonArray array => array,
            _ => [],
        };
        foreach (var child in children)
        {
            if (child is not null)
            {
                Collect(child, into);
            }
        }
    }

    /// <summary>A header value: random text, a near-miss of the right signature, or the right one.</summary>
    public static Gen<string?> SignatureHeader(string correct) => Gen.OneOf(
        Gen.Constant<string?>(null),
        NastyString.Select(s => (string?)s),
        Gen.Choose(0, 70).SelectMany(n => Gen.ArrayOf(Gen.Elements("0123456789abcdefABCDEFg ".ToCharArray()), n)).Select(c => (string?)("sha256=" + new string(c))),
        Gen.Choose(7, correct.Length - 1).SelectMany(i => Gen.Elements("0123456789abcdef".ToCharArray()).Select(c =>
        {
            var chars = correct.ToCharArray();
            chars[i] = c;
            return (string?)new string(chars);
        })),
        Gen.Elements<string?>(correct, correct.ToUpperInvariant(), " " + correct + " ", correct + ",", correct + correct, correct[..^1], "SHA1=" + correct[7..]));

    /// <summary>Refs near and inside the alphabet, around the length limit.</summary>
    public static Gen<string> RefCandidate { get; } = Gen.OneOf(
        NastyString,
        Gen.Zip(Gen.Elements(0, 1, 2, 40, 2082, 2083, 2084), Gen.Choose(0, 3)).SelectMany(t =>
            Gen.ArrayOf(Gen.Frequency((30, Gen.Elements(RefAlphabet.ToCharArray())), (t.Item2, Gen.Elements(" *.+/é\u0000\ud800".ToCharArray()))), t.Item1)
                .Select(c => new string(c))));

    /// <summary>Patterns from a tiny alphabet, so random refs actually match them.</summary>
    public static Gen<string> SmallPattern { get; } =
        Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(Gen.Elements("aAb_*".ToCharArray()), n)).Select(c => new string(c))
            .Where(p => !p.Contains("**", StringComparison.Ordinal));

    public static Gen<string> SmallRef { get; } =
        Gen.Choose(1, 8).SelectMany(n => Gen.ArrayOf(Gen.Elements("aAbB_".ToCharArray()), n)).Select(c => new string(c));

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
