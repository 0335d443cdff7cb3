using System.Text.Json;
using System.Text.Unicode;

namespace ReferralStudio.Webhooks;

/// <summary>The result of a first pass over a body: well-formed or not, and the envelope's <c>object</c>.</summary>
public readonly record struct EnvelopeCheck(string? ObjectType, string? Error, bool Simulated = false)
{
    /// <summary>Top-level marker the dashboard's simulator adds; it is inside the signed body, so only the app secret can set it.</summary>
    public const string SimulatedProperty = "referralstudio_simulated";

    public bool IsValid => Error is null;
}

/// <summary>
/// One forward-only pass with <see cref="Utf8JsonReader"/>: validates the whole document and its depth
/// and picks the top-level <c>object</c> without building a DOM on the request path.
/// </summary>
public static class JsonEnvelope
{
    public static EnvelopeCheck Inspect(ReadOnlySpan<byte> body, int maxDepth)
    {
        // The reader checks structure, not the bytes inside strings: invalid UTF-8 there would only throw later,
        // when a string is decoded (a 500 here, a failed delivery in the processor).
        if (!Utf8.IsValid(body))
        {
            return new(null, "The body is not valid JSON: it is not valid UTF-8.");
        }

        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth });
        string? objectType = null;
        var simulated = false;
        try
        {
            if (!reader.Read())
            {
                return new(null, "The body is empty.");
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return new(null, "The body must be a JSON object.");
            }

            while (reader.Read())
            {
                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("object"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        objectType = reader.GetString();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("referralstudio_simulated"u8))
                {
                    reader.Read();
                    simulated = reader.TokenType == JsonTokenType.True;
                    reader.Skip();
                }
            }
        }
        catch (JsonException ex) when (reader.CurrentDepth >= maxDepth - 1)
        {
            return new(null, $"The JSON nests deeper than {maxDepth} levels. ({ex.Message})");
        }
        catch (JsonException ex)
        {
            return new(null, $"The body is not valid JSON: {ex.Message}");
        }

        return objectType is null
            ? new(null, "The envelope has no \"object\" string.")
            : new(objectType, null, simulated);
    }
}
