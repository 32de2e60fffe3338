using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Cosmos;

/// <summary>
/// How documents look in Cosmos DB: camelCase, enums by name, ids and currencies as their text forms, and every
/// number as a string unless a property opts out with <c>[JsonNumberHandling(Strict)]</c> — Cosmos DB keeps
/// numbers as doubles, which would silently round a long above 2^53.
/// </summary>
public static class CosmosJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            NumberHandling = JsonNumberHandling.WriteAsString | JsonNumberHandling.AllowReadingFromString,
            IgnoreReadOnlyProperties = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.Converters.Add(new LedgerIdConverter());
        options.Converters.Add(new CurrencyConverter());
        return options;
    }

    private sealed class LedgerIdConverter : JsonConverter<LedgerId>
    {
        public override LedgerId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            LedgerId.TryParse(reader.GetString(), out var id) ? id : throw new JsonException("Not a ledger id.");

        public override void Write(Utf8JsonWriter writer, LedgerId value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString());
    }

    private sealed class CurrencyConverter : JsonConverter<Currency>
    {
        public override Currency Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var code = reader.GetString();
            return string.IsNullOrEmpty(code) ? default : Currency.Parse(code);
        }

        public override void Write(Utf8JsonWriter writer, Currency value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.Code);
    }
}
