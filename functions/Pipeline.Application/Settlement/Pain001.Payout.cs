using System.Globalization;
using Pipeline.Domain.Banking;

namespace Pipeline.Application.Settlement;

public static partial class Pain001
{
    /// <summary>
    /// A transfer checked against the guideline before a byte is written, with its texts in the SEPA set and its
    /// accounts and BICs in the electronic format.
    /// </summary>
    private sealed record Payout(
        Pain001Transfer Transfer,
        string Amount,
        string InitiatingPartyName,
        string DebtorName,
        string DebtorIban,
        string? DebtorBic,
        string CreditorName,
        string CreditorIban,
        string? CreditorBic,
        string Remittance)
    {
        public static Payout Check(Pain001Transfer transfer)
        {
            ArgumentNullException.ThrowIfNull(transfer);
            if (!string.Equals(transfer.Currency, Euro, StringComparison.Ordinal))
            {
                throw new ArgumentException($"A SEPA credit transfer is in {Euro}, not '{transfer.Currency}'.", nameof(transfer.Currency));
            }

            if (transfer.AmountMinor is < BankingLimits.SepaAmountMinorMin or > BankingLimits.SepaAmountMinorMax)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(transfer.AmountMinor), transfer.AmountMinor,
                    $"A SEPA credit transfer is {BankingLimits.SepaAmountMinorMin} to {BankingLimits.SepaAmountMinorMax} cents.");
            }

            RequireIdentifier(transfer.MessageId, nameof(transfer.MessageId));
            RequireIdentifier(transfer.PaymentInformationId, nameof(transfer.PaymentInformationId));
            RequireIdentifier(transfer.EndToEndId, nameof(transfer.EndToEndId));
            return new Payout(
                transfer,
                (transfer.AmountMinor / CentsPerEuro).ToString("0.00", CultureInfo.InvariantCulture),
                RequireName(transfer.InitiatingPartyName, nameof(transfer.InitiatingPartyName)),
                RequireName(transfer.DebtorName, nameof(transfer.DebtorName)),
                RequireIban(transfer.DebtorIban, nameof(transfer.DebtorIban)),
                OptionalBic(transfer.DebtorBic, nameof(transfer.DebtorBic)),
                RequireName(transfer.CreditorName, nameof(transfer.CreditorName)),
                RequireIban(transfer.CreditorIban, nameof(transfer.CreditorIban)),
                OptionalBic(transfer.CreditorBic, nameof(transfer.CreditorBic)),
                SepaText.Transliterate(transfer.RemittanceInformation ?? "", BankingLimits.SepaRemittanceLengthMax));
        }

        private static void RequireIdentifier(string id, string field)
        {
            if (!SepaText.IsIdentifier(id))
            {
                throw new ArgumentException(
                    $"{field} '{id}' is not an EPC identifier: 1 to {BankingLimits.SepaIdentifierLengthMax} of a-z A-Z 0-9 / - ? : ( ) . , ' +, no '/' at either end, no '//'.",
                    field);
            }
        }

        /// <summary>A name transliterated and cut to 70 characters; one with nothing writable is the caller's error.</summary>
        private static string RequireName(string name, string field)
        {
            var written = SepaText.Transliterate(name ?? "", BankingLimits.SepaNameLengthMax);
            return written.Length > 0
                ? written
                : throw new ArgumentException($"{field} has no character the SEPA character set can carry: '{name}'.", field);
        }

        private static string RequireIban(string iban, string field) =>
            Iban.TryNormalize(iban, out var normalized)
                ? normalized
                : throw new ArgumentException($"{field} '{iban}' is not a valid IBAN.", field);

        private static string? OptionalBic(string? bic, string field) =>
            string.IsNullOrWhiteSpace(bic) ? null
            : Bic.TryNormalize(bic, out var normalized) ? normalized
            : throw new ArgumentException($"{field} '{bic}' is not a BIC.", field);
    }
}
