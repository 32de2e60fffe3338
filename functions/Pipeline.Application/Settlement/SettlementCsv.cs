using System.Globalization;
using System.Text;
using Pipeline.Domain.Settlement;

namespace Pipeline.Application.Settlement;

/// <summary>
/// A settlement report as CSV (RFC 4180, UTF-8, CRLF): one row per line — payment, fee, refund, reserve held or
/// released, carried in, payout returned — whose amounts add up to the row <c>net</c>, then <c>payout</c> and
/// <c>carried_out</c> (net = payout + carried out). Amounts are signed minor units from the merchant's side.
/// Every field is an id, a type, a time or a number we wrote, so no cell can start a spreadsheet formula.
/// </summary>
public static class SettlementCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    private const string Header = "settlement_id,type,reference,payment_id,occurred_at,amount_minor,currency";

    public static byte[] Write(SettlementDocument settlement, IReadOnlyList<SettlementLine> lines)
    {
        ArgumentNullException.ThrowIfNull(settlement);
        ArgumentNullException.ThrowIfNull(lines);
        var text = new StringBuilder(Header.Length + 2 + ((lines.Count + 3) * 120)).Append(Header).Append("\r\n");
        foreach (var line in lines)
        {
            Row(text, settlement, TypeOf(line.Kind), line.Reference, line.PaymentId, SettlementView.At(line.AtMicros), line.AmountMinor);
        }

        var end = SettlementView.At(settlement.CutoffMicros);
        Row(text, settlement, "net", settlement.Id, null, end, settlement.Totals.NetMinor);
        Row(text, settlement, "payout", settlement.PayoutId ?? "", null, end, settlement.Totals.PayoutMinor);
        Row(text, settlement, "carried_out", settlement.Id, null, end, settlement.Totals.CarriedOutMinor);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void Row(StringBuilder text, SettlementDocument settlement, string type, string reference, string? paymentId, DateTimeOffset at, long amount) =>
        text.Append(settlement.Id).Append(',').Append(type).Append(',').Append(reference).Append(',').Append(paymentId).Append(',')
            .Append(at.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)).Append(',')
            .Append(amount.ToString(CultureInfo.InvariantCulture)).Append(',').Append(settlement.Currency).Append("\r\n");

    private static string TypeOf(SettlementLineKind kind) => kind switch
    {
        SettlementLineKind.Payment => "payment",
        SettlementLineKind.Fee => "fee",
        SettlementLineKind.Refund => "refund",
        SettlementLineKind.ReserveHeld => "reserve_held",
        SettlementLineKind.ReserveReleased => "reserve_released",
        SettlementLineKind.CarriedIn => "carried_in",
        SettlementLineKind.PayoutReturned => "payout_returned",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A line kind without a CSV type."),
    };
}
