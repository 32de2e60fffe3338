using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Monetary;

namespace Pipeline.Application.Cosmos;

/// <summary>
/// How documents look in Cosmos DB: camelCase, enums by name, ids and currencies as their text forms, and every
/// number as a string — Cosmos DB keeps numbers as doubles, which would silently round a long above 2^53 — except
/// Unix-microsecond times (a <c>long</c> named <c>…Micros</c>, far below 2^53), which are written as numbers so
/// queries can compare and order them (and read from strings too, as nested times were stored before). A property named
/// <c>ETag</c> is the document's <c>_etag</c>. The conventions let domain records (e.g. a payment) be stored as they
/// are, without storage attributes.
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
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { StorageConventions } },
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.Converters.Add(new LedgerIdConverter());
        options.Converters.Add(new CurrencyConverter());
        return options;
    }

    private static void StorageConventions(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
        {
            if (property.PropertyType == typeof(long) && property.Name.EndsWith("Micros", StringComparison.Ordinal))
            {
                // Written as a number; read from a string too: nested times of documents written before this
                // convention (a payment's history, refunds, pending operation) were stored as strings.
                property.NumberHandling = JsonNumberHandling.AllowReadingFromString;
            }
            else if (property.Name == "eTag")
            {
                property.Name = "_etag";
            }
        }
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
