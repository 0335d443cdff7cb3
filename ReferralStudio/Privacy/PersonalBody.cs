using System.Text.Json;
using System.Text.Json.Nodes;

namespace ReferralStudio.Privacy;

/// <summary>
/// The part of a raw Meta delivery that is about one person. A batch holds many people's events in arrays (<c>entry</c>,
/// <c>messaging</c>, <c>standby</c>, <c>changes</c>, <c>contacts</c>, <c>messages</c>, <c>statuses</c>); in any array of
/// objects where some element names one of the person's ids, the elements that name none are left out. Arrays that never
/// name the person (a referral's extras) stay whole, and so do the envelope's own fields.
/// </summary>
public static class PersonalBody
{
    /// <summary>The body as JSON narrowed to <paramref name="ids"/>, or null (with the bytes as base64) when it is not JSON; both null when empty.</summary>
    public static (JsonNode? Json, string? Base64) Of(byte[] body, IReadOnlySet<string> ids)
    {
        if (body.Length == 0)
        {
            return (null, null);
        }

        JsonNode? json;
        try
        {
            json = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException)
        {
            return (null, Convert.ToBase64String(body));
        }

        if (json is null)
        {
            return (null, Convert.ToBase64String(body));
        }

        Narrow(json, ids);
        return (json, null);
    }

    private static void Narrow(JsonNode node, IReadOnlySet<string> ids)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, value) in o)
                {
                    if (value is not null)
                    {
                        Narrow(value, ids);
                    }
                }

                break;
            case JsonArray a:
                var naming = a.Select(e => e is JsonObject && Names(e, ids)).ToList();
                if (naming.Contains(true))
                {
                    for (var i = a.Count - 1; i >= 0; i--)
                    {
                        if (a[i] is JsonObject && !naming[i])
                        {
                            a.RemoveAt(i);
                        }
                    }
                }

                foreach (var element in a)
                {
                    if (element is not null)
                    {
                        Narrow(element, ids);
                    }
                }

                break;
        }
    }

    /// <summary>Whether any string (or number, for ids Meta sends as numbers) in <paramref name="node"/> is one of <paramref name="ids"/>.</summary>
    private static bool Names(JsonNode? node, IReadOnlySet<string> ids) => node switch
    {
        JsonObject o => o.Any(p => Names(p.Value, ids)),
        JsonArray a => a.Any(e => Names(e, ids)),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => ids.Contains(v.GetValue<string>()),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => ids.Contains(v.ToJsonString()),
        _ => false,
    };
}
