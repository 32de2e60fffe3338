using Pipeline.Domain.Charging;
using Pipeline.Domain.Monetary;

namespace Pipeline.Domain.Tests.Charging;

/// <summary>The tariffs of the OCPI 2.2.1 tariffs module's examples (section 11.3.1.1 and the restriction examples).</summary>
internal static class OcpiTariffExamples
{
    public static readonly Tariff Energy025 = Tariff("16", Energy(0.25m, 10, 1));

    public static readonly Tariff Energy025Start = Tariff("17", Flat(0.50m, 20), Energy(0.25m, 10, 1));

    public static readonly Tariff Energy025MinPrice = Tariff("20", Energy(0.25m, 10, 1)) with { MinPrice = new TariffPrice(0.50m, 0.55m) };

    public static readonly Tariff Energy025ParkingStart = Tariff("18", Flat(0.50m, 20), Energy(0.25m, 10, 1), Component(TariffDimension.ParkingTime, 2.00m, 20, 900));

    public static readonly Tariff Energy025StartMaxPrice = Tariff("16", Flat(0.50m, 20), Energy(0.25m, 10, 1)) with
    {
        MaxPrice = new TariffPrice(10.00m, 11.00m),
        EndsAt = DateTimeOffset.Parse("2019-06-30T23:59:59Z", System.Globalization.CultureInfo.InvariantCulture),
    };

    public static readonly Tariff Time2PerHour = Tariff("12", Time(2.00m, 10, 60));

    public static readonly Tariff Time3Parking5 = Tariff("21", Time(3.00m, 10, 60), Component(TariffDimension.ParkingTime, 5.00m, 20, 300));

    public static readonly Tariff AdHoc = Tariff("12", Time(1.90m, 5.2m, 300));

    public static readonly Tariff AlternativeUrl = Tariff("13", Flat(0.50m, 20), Energy(0.25m, 10, 100));

    /// <summary>The CDR module's example tariff: 2 euro per hour in blocks of 5 minutes.</summary>
    public static readonly Tariff CdrExample = Tariff("12", Time(2.00m, 10, 300));

    private static readonly DayOfWeek[] Weekdays = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    public static readonly Tariff Complex = new("14", Currency.EUR,
    [
        new([Flat(2.50m, 15)]),
        new([Time(1.00m, 20, 900)], new TariffRestrictions { MaxCurrent = 32m }),
        new([Time(2.00m, 20, 600)], new TariffRestrictions { MinCurrent = 32m, DaysOfWeek = Weekdays }),
        new([Time(1.25m, 20, 600)], new TariffRestrictions { MinCurrent = 32m, DaysOfWeek = [DayOfWeek.Saturday, DayOfWeek.Sunday] }),
        new([Component(TariffDimension.ParkingTime, 5.00m, 10, 300)], new TariffRestrictions { StartTime = new(9, 0), EndTime = new(18, 0), DaysOfWeek = Weekdays }),
        new([Component(TariffDimension.ParkingTime, 6.00m, 10, 300)], new TariffRestrictions { StartTime = new(10, 0), EndTime = new(17, 0), DaysOfWeek = [DayOfWeek.Saturday] }),
    ]);

    public static readonly Tariff StepSize = new("22", Currency.EUR,
    [
        new([Time(1.20m, null, 1800), Component(TariffDimension.ParkingTime, 1.00m, null, 900)], new TariffRestrictions { StartTime = new(0, 0), EndTime = new(17, 0) }),
        new([Time(2.40m, null, 900), Component(TariffDimension.ParkingTime, 1.00m, null, 900)], new TariffRestrictions { StartTime = new(17, 0), EndTime = new(20, 0) }),
        new([Time(2.40m, null, 900)], new TariffRestrictions { StartTime = new(20, 0), EndTime = new(0, 0) }),
    ]);

    public static readonly Tariff MaxPower = new("1", Currency.EUR,
    [
        new([Energy(0.20m, 20, 1)], new TariffRestrictions { MaxPower = 16m }),
        new([Energy(0.35m, 20, 1)], new TariffRestrictions { MaxPower = 32m }),
        new([Energy(0.50m, 20, 1)]),
    ]);

    public static readonly Tariff MaxDuration = new("2", Currency.EUR,
    [
        new([Energy(0.00m, 20, 1)], new TariffRestrictions { MaxDurationSeconds = 1800 }),
        new([Energy(0.25m, 20, 1)], new TariffRestrictions { MaxDurationSeconds = 3600 }),
        new([Energy(0.40m, 20, 1)]),
    ]);

    public static PriceComponent Energy(decimal price, decimal? vat, int step) => Component(TariffDimension.Energy, price, vat, step);

    public static PriceComponent Time(decimal price, decimal? vat, int step) => Component(TariffDimension.Time, price, vat, step);

    public static PriceComponent Flat(decimal price, decimal? vat) => Component(TariffDimension.Flat, price, vat, 1);

    public static PriceComponent Component(TariffDimension type, decimal price, decimal? vat, int step) => new(type, price, vat, step);

    /// <summary>A tariff of one element without restrictions.</summary>
    public static Tariff Tariff(string id, params PriceComponent[] components) => new(id, Currency.EUR, [new TariffElement(components)]);
}
