using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Pipeline.Application.Idempotency;

/// <summary>
/// What makes two requests under one Idempotency-Key the same request: method, path, query, and the body's JSON as
/// parsed, written canonically (object members in ordinal order, no whitespace, strings by their value), so a client
/// that serialises the same request with its fields in another order or spacing is not refused as a reuse. Numbers
/// keep their text, as the API reads them strictly. A body that is not JSON (or repeats a field, which the API
/// refuses) counts by its bytes.
/// </summary>
internal static class RequestFingerprint
{
    private static readonly JsonWriterOptions Canonical = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Of(HttpRequest request, byte[] body)
    {
        var head = Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n");
        return Convert.ToHexStringLower(SHA256.HashData([.. head, .. CanonicalBody(body)]));
    }

    private static byte[] CanonicalBody(byte[] body)
    {
        if (body.Length == 0)
        {
            return body;
        }

        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { AllowDuplicateProperties = false });
            var buffer = new ArrayBufferWriter<byte>(body.Length);
            using (var writer = new Utf8JsonWriter(buffer, Canonical))
            {
                Write(writer, document.RootElement);
            }

            return buffer.WrittenSpan.ToArray();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Not JSON (or a string that is not valid UTF-16): such a body is the same request only byte for byte.
            return body;
        }
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var member in element.EnumerateObject().OrderBy(m => m.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(member.Name);
                    Write(writer, member.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString());
                break;
            default:
                writer.WriteRawValue(element.GetRawText());
                break;
        }
    }
}
