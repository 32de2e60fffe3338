namespace Pipeline.Domain.Charging;

/// <summary>
/// Prices a charging session with an OCPI 2.2.1 tariff, as the tariffs and CDRs modules define it:
/// <list type="bullet">
/// <item>per period and per dimension (energy, charging time, parking time) the <b>first element</b> that has a component
/// of that dimension and whose restrictions hold at the period's start (<see cref="TariffRestrictionRules"/>); none: that
/// dimension is free in that period;</item>
/// <item>a FLAT fee <b>once per session</b>, from the first element with one that holds at the session's start;</item>
/// <item><b>step_size once per session</b>: the session's priced energy is rounded up to the step of the last energy
/// component used, and of charging and parking time only the dimension of the last priced timed period is rounded (its
/// priced duration, to the step of that component) — charging time followed by paid parking is not rounded (CDR module,
/// "step_size"); free periods are not rounded up into paid time (ocpi/ocpi#546); the surcharge is billed at that
/// component's price;</item>
/// <item>VAT per component; the exact total rounded once to minor units and the lines apportioned to add up to it
/// (<see cref="CostRounding"/>); min_price and max_price bound the total, excluding and including VAT each (see
/// <see cref="SessionPrice"/>).</item>
/// </list>
/// Pure: decimal arithmetic only, time from the input.
/// </summary>
public static class TariffPricing
{
    public static SessionPrice Price(Tariff tariff, ChargingSessionUsage usage)
    {
        ArgumentNullException.ThrowIfNull(tariff);
        ArgumentNullException.ThrowIfNull(usage);
        var contexts = Contexts(usage);
        var chosen = contexts.Select(c => new Chosen(
            Component(tariff, TariffDimension.Energy, c), Component(tariff, TariffDimension.Time, c), Component(tariff, TariffDimension.ParkingTime, c))).ToArray();
        var periods = usage.Periods;
        var energy = periods.Select((p, i) => Bill(chosen[i].Energy, p.EnergyKwh)).ToArray();
        var time = periods.Select((p, i) => Bill(chosen[i].Time, p.TimeHours)).ToArray();
        var parking = periods.Select((p, i) => Bill(chosen[i].Parking, p.ParkingHours)).ToArray();
        AddEnergyStep(periods, chosen, energy);
        AddTimeStep(periods, chosen, time, parking);

        var flatFee = tariff.Elements.Where(e => TariffRestrictionRules.Hold(e.Restrictions, contexts[0]))
            .SelectMany(e => e.PriceComponents).FirstOrDefault(c => c.Type == TariffDimension.Flat);
        var lines = CostRounding.Apportion([Bill(flatFee, 1m), Sum(energy), Sum(time), Sum(parking)], tariff.Currency);
        var (flat, energyCost, timeCost, parkingCost) = (lines[0], lines[1], lines[2], lines[3]);
        var computed = flat + energyCost + timeCost + parkingCost;
        var total = Bounded(computed, tariff);
        return new SessionPrice(
            tariff.Currency, total, flat, energyCost, timeCost, parkingCost, total - computed,
            periods.Sum(p => p.EnergyKwh), (decimal)(usage.End - usage.Start).TotalSeconds / 3600m, periods.Sum(p => p.ParkingHours),
            [.. periods.Select((p, i) => new PricedPeriod(p.Start, p.EnergyKwh, p.TimeHours, p.ParkingHours, energy[i], time[i], parking[i]))]);
    }

    /// <summary>The components chosen for one period (null: that dimension is free in it).</summary>
    private sealed record Chosen(PriceComponent? Energy, PriceComponent? Time, PriceComponent? Parking)
    {
        public PriceComponent? Of(TariffDimension dimension) => dimension == TariffDimension.ParkingTime ? Parking : Time;
    }

    private static PeriodContext[] Contexts(ChargingSessionUsage usage)
    {
        var periods = usage.Periods;
        if (periods.Count == 0)
        {
            throw new ArgumentException("A session has at least one charging period.", nameof(usage));
        }

        for (var i = 0; i < periods.Count; i++)
        {
            var next = i + 1 < periods.Count ? periods[i + 1].Start : usage.End;
            if (periods[i].Start < usage.Start || next < periods[i].Start)
            {
                throw new ArgumentException("Charging periods start in order, within the session.", nameof(usage));
            }
        }

        var consumed = 0m;
        var contexts = new PeriodContext[periods.Count];
        for (var i = 0; i < periods.Count; i++)
        {
            var local = TimeZoneInfo.ConvertTime(periods[i].Start, usage.TimeZone).DateTime;
            contexts[i] = new PeriodContext(periods[i], local, consumed, (periods[i].Start - usage.Start).TotalSeconds);
            consumed += periods[i].EnergyKwh;
        }

        return contexts;
    }

    private static PriceComponent? Component(Tariff tariff, TariffDimension dimension, PeriodContext at) =>
        tariff.Elements.Where(e => e.PriceComponents.Any(c => c.Type == dimension) && TariffRestrictionRules.Hold(e.Restrictions, at))
            .Select(e => e.PriceComponents.First(c => c.Type == dimension)).FirstOrDefault();

    private static Cost Bill(PriceComponent? component, decimal volume) =>
        component is null || volume == 0 ? Cost.Zero : new Cost(volume * component.Price, component.WithVat(volume * component.Price));

    /// <summary>
    /// The session's priced energy (what components priced, free periods left out) rounded up in Wh to the step of the
    /// last energy component used, the surplus billed there.
    /// </summary>
    private static void AddEnergyStep(IReadOnlyList<ChargingPeriod> periods, Chosen[] chosen, Cost[] energy)
    {
        var last = LastPriced(periods, chosen, p => p.EnergyKwh, c => c.Energy);
        if (last < 0 || chosen[last].Energy!.StepSize <= 0)
        {
            return;
        }

        var totalWh = Priced(periods, chosen, p => p.EnergyKwh, c => c.Energy) * 1000m;
        var step = chosen[last].Energy!.StepSize;
        var surplusWh = (Math.Ceiling(totalWh / step) * step) - totalWh;
        energy[last] += Bill(chosen[last].Energy, surplusWh / 1000m);
    }

    /// <summary>
    /// Of charging and parking time, the dimension of the last period whose time a component priced: its priced duration
    /// (free periods left out), in whole seconds, rounded up to the step of that component, the surplus billed there.
    /// The other dimension is not rounded.
    /// </summary>
    private static void AddTimeStep(IReadOnlyList<ChargingPeriod> periods, Chosen[] chosen, Cost[] time, Cost[] parking)
    {
        var lastParked = LastPriced(periods, chosen, p => p.ParkingHours, c => c.Parking);
        var lastCharged = LastPriced(periods, chosen, p => p.TimeHours, c => c.Time);
        var dimension = lastParked >= lastCharged ? TariffDimension.ParkingTime : TariffDimension.Time;
        var last = Math.Max(lastParked, lastCharged);
        if (last < 0 || chosen[last].Of(dimension)!.StepSize <= 0)
        {
            return;
        }

        Func<ChargingPeriod, decimal> hours = dimension == TariffDimension.ParkingTime ? p => p.ParkingHours : p => p.TimeHours;
        var totalHours = Priced(periods, chosen, hours, c => c.Of(dimension));
        var step = chosen[last].Of(dimension)!.StepSize;
        // Billed: the whole seconds of the priced time (OCPI's hours carry 4 decimals, 0.36 s) rounded up to the step.
        var billedSeconds = Math.Ceiling(Math.Round(totalHours * 3600m, 0, MidpointRounding.AwayFromZero) / step) * step;
        var surplus = Bill(chosen[last].Of(dimension), (billedSeconds / 3600m) - totalHours);
        var costs = dimension == TariffDimension.ParkingTime ? parking : time;
        costs[last] += surplus;
    }

    /// <summary>The last period with a volume in a dimension that a component priced; -1 when none.</summary>
    private static int LastPriced(IReadOnlyList<ChargingPeriod> periods, Chosen[] chosen, Func<ChargingPeriod, decimal> volume, Func<Chosen, PriceComponent?> component)
    {
        for (var i = periods.Count - 1; i >= 0; i--)
        {
            if (volume(periods[i]) > 0 && component(chosen[i]) is not null)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A dimension's volume over the periods where a component priced it.</summary>
    private static decimal Priced(IReadOnlyList<ChargingPeriod> periods, Chosen[] chosen, Func<ChargingPeriod, decimal> volume, Func<Chosen, PriceComponent?> component) =>
        periods.Select((p, i) => component(chosen[i]) is null ? 0m : volume(p)).Sum();

    private static Cost Sum(IEnumerable<Cost> costs) => costs.Aggregate(Cost.Zero, (sum, cost) => sum + cost);

    /// <summary>
    /// min_price and max_price, each applied to the total excluding VAT and to the total including it. A bound between two
    /// minor units binds at the one inside it (a maximum of 15.425 caps at 15.42). A bound without incl_vat moves the total
    /// including VAT with the one excluding it, keeping its VAT share (OCPI leaves that case open; the driver's payment
    /// is the total including VAT, so it must be bounded too).
    /// </summary>
    private static Cost Bounded(Cost total, Tariff tariff)
    {
        var exponent = tariff.Currency.Exponent;
        var bounded = total;
        if (tariff.MinPrice is { } min)
        {
            bounded = Bound(bounded, Math.Round(min.ExclVat, exponent, MidpointRounding.ToPositiveInfinity),
                min.InclVat is { } incl ? Math.Round(incl, exponent, MidpointRounding.ToPositiveInfinity) : null, Math.Max, exponent);
        }

        if (tariff.MaxPrice is { } max)
        {
            bounded = Bound(bounded, Math.Round(max.ExclVat, exponent, MidpointRounding.ToNegativeInfinity),
                max.InclVat is { } incl ? Math.Round(incl, exponent, MidpointRounding.ToNegativeInfinity) : null, Math.Min, exponent);
        }

        return bounded;
    }

    private static Cost Bound(Cost total, decimal exclLimit, decimal? inclLimit, Func<decimal, decimal, decimal> pick, int exponent)
    {
        var exclVat = pick(total.ExclVat, exclLimit);
        if (inclLimit is { } limit)
        {
            return new Cost(exclVat, pick(total.InclVat, limit));
        }

        var share = total.ExclVat == 0 ? 1m : total.InclVat / total.ExclVat;
        return exclVat == total.ExclVat ? total : new Cost(exclVat, Math.Round(exclVat * share, exponent, MidpointRounding.AwayFromZero));
    }
}
