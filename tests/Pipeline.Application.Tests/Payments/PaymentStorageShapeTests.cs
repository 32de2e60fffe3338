using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Application.Cosmos;
using Pipeline.Domain.Ledgers;
using Pipeline.Domain.Payments;

namespace Pipeline.Application.Tests.Payments;

/// <summary>
/// The domain's payment is stored as it is, by the storage conventions of <see cref="CosmosJson"/>: documents written
/// before it moved to the domain read the same, and queries on times keep comparing numbers.
/// </summary>
public sealed class PaymentStorageShapeTests
{
    [Fact]
    public void A_payment_keeps_its_stored_shape()
    {
        var opened = PaymentRules.Open("pay_1", "mer_1", new PaymentTerms(1_000, "EUR", "wal_1", CaptureMethod.Manual, null, null), TimeSpan.FromHours(1), 1_700_000_000_000_000);
        var payment = PaymentCompletion.Complete(opened, [TransferResult.Ok], 1_700_000_000_000_001) with { ETag = "\"0a\"" };

        var json = JsonNode.Parse(JsonSerializer.Serialize(payment, CosmosJson.Options))!.AsObject();

        Assert.Equal("pay_1", json["id"]!.GetValue<string>());
        Assert.Equal("\"0a\"", json["_etag"]!.GetValue<string>());
        Assert.False(json.ContainsKey("eTag"));
        Assert.Equal(JsonValueKind.Number, json["createdMicros"]!.GetValueKind());
        Assert.Equal(JsonValueKind.Number, json["updatedMicros"]!.GetValueKind());
        Assert.Equal(JsonValueKind.Number, json["expiresAtMicros"]!.GetValueKind());
        Assert.Equal("1000", json["amount"]!.GetValue<string>());
        Assert.Equal("requiresCapture", json["status"]!.GetValue<string>());
        Assert.Equal("held", json["holds"]![0]!["state"]!.GetValue<string>());
        Assert.False(json.ContainsKey("pending"));

        var read = JsonSerializer.Deserialize<Payment>(json.ToJsonString(), CosmosJson.Options)!;
        Assert.Equal(json.ToJsonString(), JsonSerializer.Serialize(read, CosmosJson.Options));
        Assert.Equal((payment.ETag, payment.CreatedMicros, payment.Holds[0]), (read.ETag, read.CreatedMicros, read.Holds[0]));
    }
}
