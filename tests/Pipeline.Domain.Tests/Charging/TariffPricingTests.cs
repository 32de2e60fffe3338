using Pipeline.Domain.Charging;
using static Pipeline.Domain.Tests.Charging.OcpiTariffExamples;

namespace Pipeline.Domain.Tests.Charging;

/// <summary>Every OCPI 2.2.1 tariffs-module example with a stated result, to the cent (docs/CHARGING.md lists the errata).</summary>
public sealed class TariffPricingTests
{
    [Fact]
    public void Energy_at_025_per_kwh_costs_500_for_20_kwh()
    {
        AssertTotal(TariffPricing.Price(Energy025, new SessionBuilder("2024-01-15T10:00").Charge(60, 20).Build()), 5.00m, 5.50m);
    }

    [Fact]
    public void A_start_fee_is_billed_once_with_its_own_vat()
    {
        var price = TariffPricing.Price(Energy025Start, new SessionBuilder("2024-01-15T10:00").Charge(30, 12).Charge(30, 8).Build());

        AssertTotal(price, 5.50m, 6.10m);
        Assert.Equal(new Cost(0.50m, 0.60m), price.FixedCost);
        Assert.Equal(new Cost(5.00m, 5.50m), price.EnergyCost);
    }

    [Fact]
    public void A_minimum_price_lifts_a_cheap_session_and_says_by_how_much()
    {
        AssertTotal(TariffPricing.Price(Energy025MinPrice, new SessionBuilder("2024-01-15T10:00").Charge(60, 20).Build()), 5.00m, 5.50m);
        var small = TariffPricing.Price(Energy025MinPrice, new SessionBuilder("2024-01-15T10:00").Charge(10, 1.2m).Build());

        AssertTotal(small, 0.50m, 0.55m);
        Assert.Equal(new Cost(0.20m, 0.22m), small.PriceLimitAdjustment);
        Assert.Equal(small.TotalCost, small.FixedCost + small.EnergyCost + small.TimeCost + small.ParkingCost + small.PriceLimitAdjustment);
    }

    [Fact]
    public void Parking_is_billed_per_started_15_minutes()
    {
        var price = TariffPricing.Price(Energy025ParkingStart, new SessionBuilder("2024-01-15T10:00").Charge(90, 20).Park(40).Build());

        AssertTotal(price, 7.00m, 7.90m);
        Assert.Equal(new Cost(1.50m, 1.80m), price.ParkingCost);
    }

    [Theory]
    [InlineData(50, 10.00, 11.00)]
    [InlineData(30, 8.00, 8.85)]
    public void A_maximum_price_caps_excluding_and_including_vat(int kwh, decimal exclVat, decimal inclVat)
    {
        AssertTotal(TariffPricing.Price(Energy025StartMaxPrice, new SessionBuilder("2019-03-01T10:00").Charge(120, kwh).Build()), exclVat, inclVat);
    }

    [Fact]
    public void Charging_time_at_2_per_hour_costs_500_for_two_and_a_half_hours_and_parking_is_free()
    {
        AssertTotal(TariffPricing.Price(Time2PerHour, new SessionBuilder("2024-01-15T10:00").Charge(150, 30).Park(20).Build()), 5.00m, 5.50m);
    }

    [Fact]
    public void Charging_and_parking_time_each_at_their_price_parking_rounded_to_its_step()
    {
        AssertTotal(TariffPricing.Price(Time3Parking5, new SessionBuilder("2024-01-15T10:00").Charge(150).Park(42).Build()), 11.25m, 12.75m);
    }

    [Fact]
    public void The_ad_hoc_tariff_rounds_4997_including_vat_to_500()
    {
        AssertTotal(TariffPricing.Price(AdHoc, new SessionBuilder("2024-01-15T10:00").Charge(150).Build()), 4.75m, 5.00m);
    }

    [Fact]
    public void Energy_billed_per_100_wh_rounds_2045_kwh_up_to_205()
    {
        var price = TariffPricing.Price(AlternativeUrl, new SessionBuilder("2024-01-15T10:00").Charge(120, 20.45m).Build());

        AssertTotal(price, 5.63m, 6.24m);
        Assert.Equal(new Cost(5.13m, 5.64m), price.EnergyCost);
    }

    [Fact]
    public void Complex_tariff_on_a_monday_morning_at_16_amperes()
    {
        var session = new SessionBuilder("2024-01-15T09:30").Charge(165, 30, (PeriodDimension.MaxCurrent, 16m)).Park(42).Build();

        AssertTotal(TariffPricing.Price(Complex, session), 9.00m, 10.30m);
    }

    [Fact]
    public void Complex_tariff_on_a_saturday_afternoon_at_43_amperes()
    {
        var session = new SessionBuilder("2024-01-20T13:30").Charge(114, 40, (PeriodDimension.MinCurrent, 43m)).Park(71).Build();
        var price = TariffPricing.Price(Complex, session);

        AssertTotal(price, 12.38m, 13.98m); // OCPI: 12.375 and 13.975, to the cent
        Assert.Equal(new Cost(2.38m, 2.85m), price.TimeCost);
        Assert.Equal(new Cost(7.50m, 8.25m), price.ParkingCost);
    }

    [Fact]
    public void Step_size_rounds_the_whole_charging_time_with_the_last_elements_step()
    {
        var session = new SessionBuilder("2024-01-15T16:35").Charge(25).Charge(10).Build();

        AssertTotal(TariffPricing.Price(StepSize, session), 1.30m, 1.30m);
    }

    [Fact]
    public void Step_size_rounds_only_the_parking_that_follows_charging()
    {
        // OCPI 2.2.1 prints 0.383 (12 minutes of session rounded to 15); its CDR module's normative step_size rule, the
        // 2.2.1 errata and the maintainers (ocpi/ocpi#396, #546) give 0.55: charging is not rounded, parking 2 → 15 minutes.
        var session = new SessionBuilder("2024-01-15T16:55").Charge(5).Charge(5).Park(2).Build();

        AssertTotal(TariffPricing.Price(StepSize, session), 0.55m, 0.55m);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(18)]
    [InlineData(120)]
    public void Step_size_of_the_last_paid_parking_applies_when_parking_turns_free_and_free_parking_is_not_rounded_into_paid(int freeMinutes)
    {
        // OCPI 2.2.1 prints 0.78 (the whole 32 minutes rounded); its normative rule as the maintainers read it (ocpi/ocpi#546)
        // rounds only the parking that was paid, 8 → 15 minutes: 0.73 — and more free parking changes nothing (review M1).
        var session = new SessionBuilder("2024-01-15T19:40").Charge(12).Park(8).Park(freeMinutes).Build();
        var price = TariffPricing.Price(StepSize, session);

        AssertTotal(price, 0.73m, 0.73m);
        Assert.Equal(0.48m, price.TimeCost.ExclVat);
        Assert.Equal(0.25m, price.ParkingCost.ExclVat);
    }

    [Fact]
    public void Charging_time_is_rounded_when_only_free_parking_follows_it()
    {
        // The CDR module's example with 10 minutes of unpriced parking after it: still 2 hours of charging (review M2).
        var session = new SessionBuilder("2015-06-29T21:39", "UTC").Charge(118.38m).Park(10).Build();

        AssertTotal(TariffPricing.Price(CdrExample, session), 4.00m, 4.40m);
    }

    [Fact]
    public void Hours_written_with_four_decimals_are_not_an_extra_step()
    {
        // 40 minutes as OCPI writes it, 0.6667 h (2400.12 s): 40 minutes at 2 €/h in 5-minute steps, not 45 (review M3).
        var start = DateTimeOffset.Parse("2024-01-15T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var usage = new ChargingSessionUsage(start, start.AddMinutes(40),
            [new ChargingPeriod(start, new Dictionary<PeriodDimension, decimal> { [PeriodDimension.Time] = 0.6667m })], TimeZoneInfo.Utc);

        AssertTotal(TariffPricing.Price(CdrExample, usage), 1.33m, 1.47m);
    }

    [Fact]
    public void A_maximum_without_a_price_including_vat_bounds_it_too_keeping_the_vat_share()
    {
        // 50 kWh: 13.00 / 14.35 uncapped; capped at 10.00 excluding VAT, 14.35 × 10 / 13 = 11.04 including it (review M4).
        var tariff = Energy025StartMaxPrice with { MaxPrice = new TariffPrice(10.00m, null) };
        var price = TariffPricing.Price(tariff, new SessionBuilder("2019-03-01T10:00").Charge(120, 50).Build());

        AssertTotal(price, 10.00m, 11.04m);
        Assert.Equal(new Cost(-3.00m, -3.31m), price.PriceLimitAdjustment);
    }

    [Fact]
    public void The_first_element_whose_power_bound_holds_prices_each_period()
    {
        var session = new SessionBuilder("2024-01-15T10:00")
            .Charge(10, 1, (PeriodDimension.MaxPower, 6m)).Charge(50, 40, (PeriodDimension.MaxPower, 48m)).Charge(8, 0.5m, (PeriodDimension.MaxPower, 4m)).Build();

        AssertTotal(TariffPricing.Price(MaxPower, session), 20.30m, 24.36m);
    }

    [Fact]
    public void A_maximum_duration_is_counted_from_the_session_start_and_is_exclusive()
    {
        var session = new SessionBuilder("2024-01-15T10:00").Charge(30, 5).Charge(10, 1.2m).Build();

        AssertTotal(TariffPricing.Price(MaxDuration, session), 0.30m, 0.36m);
    }

    [Fact]
    public void The_cdr_modules_example_rounds_1973_hours_to_2()
    {
        var start = DateTimeOffset.Parse("2015-06-29T21:39:09Z", System.Globalization.CultureInfo.InvariantCulture);
        var end = DateTimeOffset.Parse("2015-06-29T23:37:32Z", System.Globalization.CultureInfo.InvariantCulture);
        var usage = new ChargingSessionUsage(start, end,
            [new ChargingPeriod(start, new Dictionary<PeriodDimension, decimal> { [PeriodDimension.Time] = 1.973m })], TimeZoneInfo.Utc);
        var price = TariffPricing.Price(CdrExample, usage);

        AssertTotal(price, 4.00m, 4.40m);
        Assert.Equal(new Cost(4.00m, 4.40m), price.TimeCost);
    }

    [Fact]
    public void Periods_out_of_order_or_outside_the_session_are_a_programming_error()
    {
        var start = DateTimeOffset.UnixEpoch;
        Assert.Throws<ArgumentException>(() => TariffPricing.Price(Energy025, new ChargingSessionUsage(start, start.AddHours(1), [], TimeZoneInfo.Utc)));
        Assert.Throws<ArgumentException>(() => TariffPricing.Price(Energy025, new ChargingSessionUsage(start, start.AddHours(1),
            [Period(start.AddMinutes(30)), Period(start.AddMinutes(10))], TimeZoneInfo.Utc)));
        Assert.Throws<ArgumentException>(() => TariffPricing.Price(Energy025, new ChargingSessionUsage(start, start.AddHours(1),
            [Period(start.AddMinutes(-1))], TimeZoneInfo.Utc)));
    }

    private static ChargingPeriod Period(DateTimeOffset start) => new(start, new Dictionary<PeriodDimension, decimal> { [PeriodDimension.Energy] = 1m });

    private static void AssertTotal(SessionPrice price, decimal exclVat, decimal inclVat)
    {
        Assert.Equal(exclVat, price.TotalCost.ExclVat);
        Assert.Equal(inclVat, price.TotalCost.InclVat);
        Assert.Equal(price.TotalCost, price.FixedCost + price.EnergyCost + price.TimeCost + price.ParkingCost + price.PriceLimitAdjustment);
    }
}
