using System.Text;
using Pipeline.Application.Cosmos;

namespace Pipeline.Application.Settlement;

/// <summary>The bank file of a payout: ISO 20022 pain.001.001.09 for SEPA (EUR) payouts, checked against the EPC schema before it is served.</summary>
public static class PayoutFiles
{
    public static bool IsSepa(string currency) => currency == "EUR";

    /// <summary>The payout's pain.001 document (UTF-8); the payout must be a SEPA one.</summary>
    public static byte[] Pain001Of(PayoutDocument payout, SettlementOptions platform)
    {
        ArgumentNullException.ThrowIfNull(payout);
        ArgumentNullException.ThrowIfNull(platform);
        var xml = Pain001.Write(new Pain001Transfer(
            MessageId: EpcIdOf(payout.Id),
            CreatedAt: CreatedAtOf(payout),
            InitiatingPartyName: platform.DebtorName,
            DebtorName: platform.DebtorName,
            DebtorIban: platform.DebtorIban,
            DebtorBic: platform.DebtorBic,
            PaymentInformationId: EpcIdOf(payout.Id),
            RequestedExecutionDate: payout.ExecutionDate,
            EndToEndId: EpcIdOf(payout.Id),
            AmountMinor: payout.AmountMinor,
            Currency: payout.Currency,
            CreditorName: payout.Account.Name,
            CreditorIban: payout.Account.Iban,
            CreditorBic: payout.Account.Bic,
            RemittanceInformation: $"Settlement {payout.SettlementId}"));
        var errors = Pain001.Validate(xml);
        return errors.Count == 0
            ? Encoding.UTF8.GetBytes(xml)
            : throw new InvalidOperationException($"The pain.001 of payout {payout.Id} breaks the EPC schema: {string.Join("; ", errors)}");
    }

    /// <summary>
    /// The payout's id as the EPC identifier set allows it ("_" is not in it): "po-…". It is the end-to-end id the bank
    /// reports back on the statement, where <see cref="PayoutIdOf"/> turns it back.
    /// </summary>
    public static string EpcIdOf(string payoutId) => payoutId.Replace('_', '-');

    public static string PayoutIdOf(string epcId) => epcId.Replace('-', '_');

    /// <summary>When the payout was created: the file's creation time, so the same payout always gives the same file.</summary>
    private static DateTimeOffset CreatedAtOf(PayoutDocument payout) => new(CosmosTime.ToTicks(payout.CreatedMicros), TimeSpan.Zero);
}
