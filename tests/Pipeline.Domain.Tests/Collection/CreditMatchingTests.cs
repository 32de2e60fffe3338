using CsCheck;
using Pipeline.Domain.Collection;
using Pipeline.Domain.Tests.Properties;

namespace Pipeline.Domain.Tests.Collection;

/// <summary>Every rung of the matching ladder, and for random credits and collections: a credit is placed whole, and never over-collects.</summary>
public sealed class CreditMatchingTests
{
    private static readonly DateTimeOffset Day = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static CollectionDue Due(string id, long amount, long paid = 0, long tolerance = 0, int dueInDays = 10, CollectionStatus status = CollectionStatus.Open, string currency = "EUR") =>
        new(id, currency, amount, paid, tolerance, Day.AddDays(dueInDays), status, "RF" + id);

    private static BankCredit Credit(long amount, string? reference = null, string currency = "EUR") => new("bt-1", amount, currency, reference);

    [Fact]
    public void The_exact_amount_pays_the_collection()
    {
        var match = CreditMatching.Match(Credit(10_000), true, [Due("c1", 10_000)]);
        Assert.Equal(("c1", CollectionStatus.Paid, 10_000L, (MatchException?)null), (match.CollectionId, match.NewStatus, match.NewPaidMinor, match.Exception));
        Assert.Equal([new Allocation(AllocationTarget.Collection, 10_000)], match.Allocations);
    }

    [Fact]
    public void Within_tolerance_pays_it_with_the_difference_to_or_from_the_adjustment_account()
    {
        var under = CreditMatching.Match(Credit(9_990), true, [Due("c1", 10_000, tolerance: 10)]);
        Assert.Equal((CollectionStatus.Paid, 10_000L, 10L), (under.NewStatus, under.NewPaidMinor, under.WrittenOffMinor));
        Assert.Equal([new Allocation(AllocationTarget.Collection, 9_990)], under.Allocations);

        var over = CreditMatching.Match(Credit(10_010), true, [Due("c1", 10_000, tolerance: 10)]);
        Assert.Equal((CollectionStatus.Paid, 10_000L), (over.NewStatus, over.NewPaidMinor));
        Assert.Equal([new Allocation(AllocationTarget.Collection, 10_000), new Allocation(AllocationTarget.Adjustment, 10)], over.Allocations);
    }

    [Fact]
    public void A_credit_booked_by_the_due_date_pays_a_collection_that_expired_before_it_arrived_in_full_only()
    {
        var expired = Due("c1", 10_000, paid: 4_000, tolerance: 10, dueInDays: 10, status: CollectionStatus.Expired);
        var dueDate = DateOnly.FromDateTime(Day.AddDays(10).UtcDateTime);
        var inTime = CreditMatching.Match(Credit(5_990, "RFc1") with { BookedOn = dueDate }, true, [expired]);
        Assert.Equal(("c1", CollectionStatus.Paid, 10L), (inTime.CollectionId, inTime.NewStatus, inTime.WrittenOffMinor));

        var late = CreditMatching.Match(Credit(6_000, "RFc1") with { BookedOn = dueDate.AddDays(1) }, true, [expired]);
        var partial = CreditMatching.Match(Credit(3_000, "RFc1") with { BookedOn = dueDate }, true, [expired]);
        var unknownDate = CreditMatching.Match(Credit(6_000, "RFc1"), true, [expired]);
        Assert.All([late, partial, unknownDate], m => Assert.Equal((MatchException?)MatchException.CollectionClosed, m.Exception));
    }

    [Fact]
    public void Less_leaves_it_partially_paid_and_the_next_credit_adds_up()
    {
        var first = CreditMatching.Match(Credit(4_000), true, [Due("c1", 10_000)]);
        Assert.Equal((CollectionStatus.PartiallyPaid, 4_000L), (first.NewStatus, first.NewPaidMinor));
        var second = CreditMatching.Match(Credit(6_000), true, [Due("c1", 10_000, paid: 4_000, status: CollectionStatus.PartiallyPaid)]);
        Assert.Equal((CollectionStatus.Paid, 10_000L), (second.NewStatus, second.NewPaidMinor));
    }

    [Fact]
    public void More_overpays_it_and_the_excess_goes_to_the_payers_balance()
    {
        var match = CreditMatching.Match(Credit(12_500), true, [Due("c1", 10_000, tolerance: 100)]);
        Assert.Equal((CollectionStatus.Overpaid, 10_000L), (match.NewStatus, match.NewPaidMinor));
        Assert.Equal([new Allocation(AllocationTarget.Collection, 10_000), new Allocation(AllocationTarget.PayerBalance, 2_500)], match.Allocations);
    }

    [Fact]
    public void With_several_open_collections_the_oldest_due_is_paid_first_unless_the_reference_names_one()
    {
        CollectionDue[] open = [Due("late", 1_000, dueInDays: 20), Due("soon", 2_000, dueInDays: 5), Due("paid", 500, paid: 500, dueInDays: 1, status: CollectionStatus.Paid)];
        Assert.Equal("soon", CreditMatching.Match(Credit(2_000), true, open).CollectionId);
        Assert.Equal("late", CreditMatching.Match(Credit(1_000, "RFlate"), true, open).CollectionId);
        Assert.Equal("soon", CreditMatching.Match(Credit(2_000), true, [.. open, Due("dollars", 2_000, dueInDays: 0, currency: "USD")]).CollectionId);
    }

    [Theory]
    [InlineData(CollectionStatus.Expired, MatchException.CollectionClosed)]
    [InlineData(CollectionStatus.Canceled, MatchException.CollectionClosed)]
    [InlineData(CollectionStatus.Paid, MatchException.CollectionAlreadyPaid)]
    public void A_credit_naming_a_closed_or_paid_collection_goes_to_the_payers_balance_as_an_exception(CollectionStatus status, MatchException expected)
    {
        var match = CreditMatching.Match(Credit(1_000, "RFc1"), true, [Due("c1", 1_000, status: status)]);
        Assert.Equal((expected, (string?)null), (match.Exception, match.CollectionId));
        Assert.Equal([new Allocation(AllocationTarget.PayerBalance, 1_000)], match.Allocations);
    }

    [Fact]
    public void A_payer_without_an_open_collection_in_the_currency_keeps_the_credit_on_its_balance()
    {
        Assert.Equal(MatchException.NoOpenCollection, CreditMatching.Match(Credit(1_000), true, []).Exception);
        Assert.Equal(MatchException.CurrencyMismatch, CreditMatching.Match(Credit(1_000, "RFc1", "USD"), true, [Due("c1", 1_000)]).Exception);
    }

    [Fact]
    public void An_unknown_account_and_reference_goes_to_suspense_but_a_known_reference_still_pays()
    {
        var unknown = CreditMatching.Match(Credit(1_000, "RFnobody"), false, []);
        Assert.Equal((MatchException.UnknownAccount, AllocationTarget.Suspense), (unknown.Exception, Assert.Single(unknown.Allocations).Target));
        Assert.Equal(CollectionStatus.Paid, CreditMatching.Match(Credit(1_000, "RFc1"), false, [Due("c1", 1_000)]).NewStatus);
    }

    private static readonly Gen<(long Credit, CollectionDue[] Collections, bool Known, int Named)> Cases = Gen.Select(
        Gen.Long[1, 100_000],
        Gen.Select(Gen.Long[1, 50_000], Gen.Long[0, 60_000], Gen.Long[0, 500], Gen.Int[0, 30], Gen.Enum<CollectionStatus>(), Gen.Bool)
            .Select((amount, paid, tolerance, days, status, usd) => (amount, paid, tolerance, days, status, usd)).Array[0, 5]
            .Select(list => list.Select((c, i) => Due($"c{i}", c.amount, Math.Min(c.paid, c.amount), c.tolerance, c.days, c.status, c.usd ? "USD" : "EUR")).ToArray()),
        Gen.Bool,
        Gen.Int[-1, 5]);

    [Fact]
    public void A_credit_is_placed_whole_and_never_collects_more_than_is_due()
    {
        SeededSample.Run(Cases, 20_261_202, 1_000, c =>
        {
            var reference = c.Named >= 0 && c.Named < c.Collections.Length ? c.Collections[c.Named].CreditorReference : null;
            var match = CreditMatching.Match(Credit(c.Credit, reference), c.Known, c.Collections);
            Assert.Equal(c.Credit, match.Allocations.Sum(a => a.AmountMinor));
            Assert.All(match.Allocations, a => Assert.True(a.AmountMinor > 0));
            if (match.CollectionId is { } id)
            {
                var collection = c.Collections.Single(x => x.Id == id);
                var collected = match.Allocations.Where(a => a.Target == AllocationTarget.Collection).Sum(a => a.AmountMinor);
                Assert.True(collected <= collection.RemainingMinor, "collected more than was due");
                Assert.True(match.NewPaidMinor <= collection.AmountMinor, "paid beyond the amount");
                Assert.Equal(match.NewStatus is CollectionStatus.Paid or CollectionStatus.Overpaid, match.NewPaidMinor == collection.AmountMinor);
                Assert.True(match.WrittenOffMinor <= collection.ToleranceMinor);
            }
            else
            {
                Assert.NotNull(match.Exception);
            }
        });
    }
}
