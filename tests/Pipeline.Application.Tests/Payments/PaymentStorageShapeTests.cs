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

    /// <summary>
    /// A payment as the build before the domain move stored it: every number a string except the three top-level
    /// times, so the nested times (pending, history, refunds) are strings. It must still read (a charge's memo too).
    /// </summary>
    [Fact]
    public void A_payment_stored_before_the_move_still_reads()
    {
        const string before = """
            {"id":"pay_1","merchantId":"mer_1","walletId":"wal_1","currency":"EUR","captureMethod":"automatic","status":"partiallyRefunded",
             "amount":"1000","amountCaptured":"1000","amountRefunded":"300",
             "holds":[],"refunds":[{"index":"0","amount":"300","createdMicros":"1700000000000005"}],
             "holdSteps":"0","refundSteps":"2",
             "pending":{"id":"op3","kind":"refund","amount":"100","steps":[{"kind":"refund","index":"1","amount":"100","timeoutSeconds":"0"}],"startedMicros":"1700000000000009","request":"100"},
             "history":[{"id":"op1","kind":"authorize","amount":"1000","atMicros":"1700000000000001"},{"id":"op2","kind":"refund","amount":"300","atMicros":"1700000000000005","request":"300"}],
             "expiresAtMicros":0,"createdMicros":1700000000000000,"updatedMicros":1700000000000009,"_etag":"\"07\""}
            """;

        var payment = JsonSerializer.Deserialize<Payment>(before, CosmosJson.Options)!;

        Assert.Equal((1_700_000_000_000_001L, 1_700_000_000_000_005L), (payment.History[0].AtMicros, payment.Refunds[0].CreatedMicros));
        Assert.Equal((1_700_000_000_000_009L, "\"07\""), (payment.Pending!.StartedMicros, payment.ETag));
        Assert.True(PaymentRules.IsPaymentOf(payment, new PaymentTerms(1_000, "EUR", "wal_1", CaptureMethod.Automatic, null, null)));
        Assert.Equal(1_700_000_000_000_001L, JsonNode.Parse(JsonSerializer.Serialize(payment, CosmosJson.Options))!["history"]![0]!["atMicros"]!.GetValue<long>());
    }
}
