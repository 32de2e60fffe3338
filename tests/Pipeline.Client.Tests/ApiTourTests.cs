using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pipeline.Application.Devices;
using Pipeline.Client.Models;

namespace Pipeline.Client.Tests;

/// <summary>
/// The README's API tour, step by step, through the client Kiota generates from docs/openapi.json — what a merchant's
/// code would do. Every answer it gets must have the status the document states for that operation.
/// </summary>
[Collection(ClientHostCollection.Name)]
public sealed class ApiTourTests(ClientHostFixture fixture)
{
    [Fact]
    public async Task The_readme_tour_runs_through_the_generated_client()
    {
        var admin = fixture.Client(fixture.AdminKey);
        var created = await admin.Api.V1.Merchants.PostAsync(new CreateMerchantRequest { Name = "Acme" }, c => c.Headers.Add("Idempotency-Key", "onboard-acme"));
        Assert.StartsWith("mer_", created!.Id, StringComparison.Ordinal);
        var merchant = fixture.Client(created.ApiKey);
        var priced = await admin.Api.V1.Merchants[created.Id].Pricing.PutAsync(new PricingRequest { PercentBps = 140, FixedMinor = 25, Currency = "EUR" });
        Assert.Equal(140, priced!.Pricing!.PercentBps);
        Assert.Equal(created.Id, (await merchant.Api.V1.Merchants.Me.GetAsync())!.Id);

        // A charging station: registered with its secret shown once, then it signs a check-in; then a new secret.
        var device = await merchant.Api.V1.Devices.PostAsync(new RegisterDeviceRequest { Kind = RegisterDeviceRequest_kind.Charger, ExternalId = "CP-0001" });
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var checkIn = await fixture.Client(null).Api.V1.Devices.CheckIns.PostAsync(c =>
        {
            c.Headers.Add(DeviceAuthenticator.DeviceIdHeader, device!.Id!);
            c.Headers.Add(DeviceAuthenticator.TimestampHeader, now.ToString(CultureInfo.InvariantCulture));
            c.Headers.Add(DeviceAuthenticator.SignatureHeader, "v1=" + RequestSignature.Sign(device.Secret!, now, []));
        });
        Assert.Equal(device!.Id, checkIn!.DeviceId);
        var rotated = await merchant.Api.V1.Devices[device.Id].SecretRotations.PostAsync(new RotateDeviceSecretRequest(), c => c.Headers.Add("Idempotency-Key", "rotate-cp-0001"));
        Assert.NotEqual(device.Secret, rotated!.Secret);

        // Wallets: open two, top one up, pay the other, read balances and history.
        var company = await merchant.Api.V1.Wallets.PostAsync(new CreateWalletRequest
        {
            Owner = new CreateWalletRequest_owner { Type = CreateWalletRequest_owner_type.Enterprise, Reference = "ACME-GmbH" },
            Currency = "EUR",
            OverdraftLimit = 50_000,
        });
        var supplier = await merchant.Api.V1.Wallets.PostAsync(new CreateWalletRequest
        {
            Owner = new CreateWalletRequest_owner { Type = CreateWalletRequest_owner_type.Enterprise, Reference = "Supplier-AG" },
            Currency = "EUR",
        });
        await merchant.Api.V1.Wallets[company!.Id].TopUps.PostAsync(new TopUpRequest { Amount = 100_000, Reference = "bank transfer 881" }, c => c.Headers.Add("Idempotency-Key", "topup-1"));
        var moved = await merchant.Api.V1.Transfers.PostAsync(new TransferRequest
        {
            FromWalletId = company.Id, ToWalletId = supplier!.Id, Amount = 2_500, Currency = "EUR", Reference = "invoice 42",
        });
        Assert.Equal(2_500, moved!.Amount);
        Assert.Equal(97_500, (await merchant.Api.V1.Wallets[company.Id].GetAsync())!.Balances!.Posted);
        var entries = await merchant.Api.V1.Wallets[company.Id].Entries.GetAsync(c => c.QueryParameters.Limit = 20);
        Assert.Equal(2, entries!.Entries!.Count);

        // A manual payment: hold 5000, capture 3000 (the rest goes back at once), refund 1000.
        var payment = await merchant.Api.V1.Payments.PostAsync(new CreatePaymentRequest
        {
            Amount = 5_000,
            Currency = "EUR",
            Source = new CreatePaymentRequest_source { WalletId = company.Id },
            CaptureMethod = CreatePaymentRequest_captureMethod.Manual,
            Reference = "order 1001",
            Metadata = new CreatePaymentRequest_metadata { AdditionalData = { ["cart"] = "c-77" } },
        }, c => c.Headers.Add("Idempotency-Key", "order-1001"));
        Assert.Equal(PaymentView_status.Requires_capture, payment!.Status);
        Assert.Equal(5_000, payment.AmountCapturable);
        var captured = await merchant.Api.V1.Payments[payment.Id].Capture.PostAsync(new CaptureRequest { Amount = 3_000 });
        Assert.Equal(PaymentView_status.Succeeded, captured!.Status);
        var refunded = await merchant.Api.V1.Payments[payment.Id].Refunds.PostAsync(new RefundRequest { Amount = 1_000 });
        Assert.Equal(PaymentView_status.Partially_refunded, refunded!.Status);
        var page = await merchant.Api.V1.Payments.GetAsync(c =>
        {
            c.QueryParameters.StatusAsGetStatusQueryParameterType = Api.V1.Payments.GetStatusQueryParameterType.Partially_refunded;
            c.QueryParameters.Limit = 10;
        });
        Assert.Equal(payment.Id, Assert.Single(page!.Payments!).Id);
        Assert.True((await admin.Api.V1.Ledger.Audit.GetAsync())!.Balanced);

        // A refusal reaches the client as the document's problem type, with its stable code.
        var refused = await Assert.ThrowsAsync<Problem>(() => merchant.Api.V1.Payments[payment.Id].Capture.PostAsync(new CaptureRequest { Amount = 1 }));
        Assert.Equal(409, refused.Status);
        Assert.False(string.IsNullOrEmpty(refused.Code));

        // Collection: an invoice with the payer's virtual account and reference; the bank's signed credit pays it.
        var collection = await merchant.Api.V1.Collections.PostAsync(new CreateCollectionRequest
        {
            Amount = 125_000, Currency = "EUR", DueAt = DateTimeOffset.UtcNow.AddDays(14),
            Payer = new CreateCollectionRequest_payer { Name = "ACME Bau GmbH", Reference = "cust-42" },
        });
        Assert.Equal(CollectionView_status.Open, collection!.Status);
        var credit = await fixture.BankClient().Api.V1.Webhooks.Bank.Credits.PostAsync(new BankCreditRequest
        {
            BankTransactionId = "TX-1", VirtualAccount = collection.VirtualAccount, Amount = 125_000, Currency = "EUR",
            BookedAt = DateTimeOffset.UtcNow, RemittanceInfo = collection.CreditorReference,
        });
        Assert.Equal((BankCreditView_status.Booked, collection.Id), (credit!.Status, credit.CollectionId));
        Assert.Equal(CollectionView_status.Paid, (await merchant.Api.V1.Collections[collection.Id].GetAsync())!.Status);
        Assert.Empty((await merchant.Api.V1.Reconciliation.Exceptions.GetAsync())!.Data!);

        AssertEveryAnswerHadItsDocumentedStatus(JsonNode.Parse(await fixture.ServedDocumentAsync())!, refused.ResponseStatusCode);
    }

    private void AssertEveryAnswerHadItsDocumentedStatus(JsonNode document, int refusal)
    {
        var operations = document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject().Select(op => (
            Method: op.Key.ToUpperInvariant(),
            Pattern: new Regex("^" + Regex.Replace(path.Key, "\\{[^}]+\\}", "[^/]+") + "$"),
            Success: op.Value!["responses"]!.AsObject().Select(r => r.Key).Single(k => k != "default")))).ToList();
        var seen = fixture.Statuses.Seen.Where(s => s.Status != refusal).ToList();
        Assert.True(seen.Count >= 15, $"Only {seen.Count} answers recorded.");
        foreach (var (method, path, status) in seen)
        {
            var operation = operations.Single(o => o.Method == method && o.Pattern.IsMatch(path));
            Assert.True(operation.Success == status.ToString(CultureInfo.InvariantCulture), $"{method} {path} answered {status}; the document says {operation.Success}.");
        }
    }
}
