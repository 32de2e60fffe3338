using System.Globalization;
using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Pipeline.Application.Cosmos;
using Pipeline.Application.Events;
using Pipeline.Domain.Payments;

namespace Pipeline.Application.Payments;

/// <summary>How payments are shown and listed.</summary>
public sealed partial class PaymentStore
{
    /// <summary>
    /// The merchant's payments, newest first, optionally in one status, after the cursor of the previous page.
    /// A payment past its window counts as canceled even before anything rewrote it (<see cref="PaymentRules.Visible"/>).
    /// </summary>
    public async Task<PaymentsPage> ListAsync(string merchantId, PaymentStatus? status, int limit, string? after, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, PaymentLimits.PageSizeMax);
        var now = Numbers.Literal(NowMicros);
        var text = $"SELECT TOP {limit + 1} * FROM c WHERE c.merchantId = @merchant AND {EventLimits.NotAnEvent}";
        text += status switch
        {
            null => "",
            PaymentStatus.RequiresCapture => $" AND c.status = @status AND c.expiresAtMicros > {now}",
            PaymentStatus.Canceled => $" AND (c.status = @status OR (c.status = 'requiresCapture' AND c.expiresAtMicros <= {now}))",
            _ => " AND c.status = @status",
        };
        if (after is not null)
        {
            var (micros, id) = ParseCursor(after);
            text += $" AND (c.createdMicros < {Numbers.Literal(micros)} OR (c.createdMicros = {Numbers.Literal(micros)} AND c.id < @afterId))";
        }

        var query = new QueryDefinition(text + " ORDER BY c.createdMicros DESC, c.id DESC")
            .WithParameter("@merchant", merchantId)
            .WithParameter("@status", status is { } s ? JsonNamingPolicy.CamelCase.ConvertName(s.ToString()) : "")
            .WithParameter("@afterId", after is null ? "" : ParseCursor(after).Id);
        var found = new List<Payment>();
        using var iterator = container.GetItemQueryIterator<Payment>(query, requestOptions: new QueryRequestOptions { PartitionKey = Key(merchantId) });
        while (iterator.HasMoreResults && found.Count <= limit)
        {
            found.AddRange(await iterator.ReadNextAsync(cancellationToken));
        }

        var page = found.Take(limit).ToList();
        var next = found.Count > limit ? $"{page[^1].CreatedMicros}:{page[^1].Id}" : null;
        return new PaymentsPage([.. page.Select(View)], next);
    }

    /// <summary>A cursor is "&lt;created micros&gt;:&lt;payment id&gt;"; anything else is the caller's mistake.</summary>
    private static (long Micros, string Id) ParseCursor(string cursor)
    {
        var colon = cursor.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            && cursor[..colon].All(char.IsAsciiDigit)
            && long.TryParse(cursor.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var micros)
            && IsPaymentId(cursor[(colon + 1)..])
            ? (micros, cursor[(colon + 1)..])
            : throw new ArgumentException("Not a payment cursor.", nameof(cursor));
    }

    private PaymentView View(Payment p) => PaymentViews.Of(p, NowMicros);
}
