using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Ledger;
using Pipeline.Domain.Payments;

namespace Pipeline.Application.Payments;

/// <summary>
/// Stores an automatic payment from the memo its ledger charge carries, for the ledger's recovery when the request
/// that charged the wallet died before storing the payment. The memo is the finished payment document itself; it is
/// stored with its event exactly as its request would have stored it (<see cref="PaymentWrites"/>).
/// </summary>
public sealed class PaymentChargeRecorder(Database database) : IChargeRecorder
{
    private readonly Container container = database.GetContainer(PaymentStore.ContainerName);

    public async Task<bool> RecordAsync(string memo, CancellationToken cancellationToken)
    {
        var payment = JsonSerializer.Deserialize<Payment>(memo, CosmosJson.Options)
            ?? throw new InvalidOperationException("A charge's memo is not a payment.");
        if (await PaymentWrites.CreateAsync(container, payment, cancellationToken) is not null)
        {
            return true;
        }

        // Stored by its request after all, or by an earlier recovery pass — unless the id holds another payment (an
        // Idempotency-Key reused for a different wallet or amount, whose request was answered 422): then this charge
        // is nobody's payment and must not be completed as if it were; the ledger gives the money back.
        var stored = (await container.ReadItemAsync<Payment>(payment.Id, new PartitionKey(payment.MerchantId), cancellationToken: cancellationToken)).Resource;
        return PaymentRules.IsPaymentOf(stored, PaymentRules.TermsOf(payment));
    }
}
