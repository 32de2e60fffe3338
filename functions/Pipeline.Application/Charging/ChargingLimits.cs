namespace Pipeline.Application.Charging;

/// <summary>The bounds of tariffs and price quotes, enforced at the edge.</summary>
public static class ChargingLimits
{
    public const int TariffIdLengthMax = 36;
    public const int ElementsMax = 64;
    public const int PriceComponentsMax = 8;
    public const int AltTextsMax = 16;
    public const int AltTextLengthMax = 512;
    public const int UrlLengthMax = 255;

    /// <summary>A unit price or a min/max price, in major units: above any real charging price, far inside decimal's range.</summary>
    public const decimal PriceMax = 1_000_000m;

    /// <summary>OCPI numbers carry 4 decimals.</summary>
    public const int DecimalsMax = 4;

    /// <summary>A step of a day (time) or of 1 MWh (energy): larger steps would bill a session for energy or time it could not use.</summary>
    public const int TimeStepMax = 86_400;
    public const int EnergyStepMax = 1_000_000;

    /// <summary>A current, power or energy bound: above any charger (3.5 MW, 3,000 A).</summary>
    public const decimal MeasureMax = 100_000m;

    /// <summary>Periods in one quote: about what the 64 KiB body limit holds.</summary>
    public const int PeriodsMax = 500;

    /// <summary>The longest session a quote prices.</summary>
    public static readonly TimeSpan SessionDurationMax = TimeSpan.FromDays(7);

    /// <summary>A station's id: OCPP 2.0.1's charging station identity is at most 48 characters.</summary>
    public const int StationIdLengthMax = 48;

    /// <summary>A station's cap on one session's energy: 10 MWh is above any vehicle's battery.</summary>
    public const long StationEnergyWhMax = 10_000_000;

    public const int StationDurationSecondsMin = 60;

    /// <summary>OCPP 2.0.1 IdTokenType.idToken is at most 36 characters.</summary>
    public const int IdTokenLengthMax = 36;

    /// <summary>OCPP 2.0.1 TransactionType.transactionId is at most 36 characters.</summary>
    public const int TransactionIdLengthMax = 36;

    /// <summary>Meter values in one transaction event, and sampled values in one meter value: far above what a station sends at once.</summary>
    public const int MeterValuesMax = 100;
    public const int SampledValuesMax = 64;

    /// <summary>An energy register reading: 10 GWh, above any register a station keeps.</summary>
    public const decimal RegisterWhMax = 10_000_000_000m;

    /// <summary>
    /// Transaction events one session keeps (a reading a minute for 33 hours): every event is in the session's document,
    /// which Cosmos DB bounds at 2 MB. Beyond it an event is refused with session_too_long.
    /// </summary>
    public const int SessionEventsMax = 2_000;

    /// <summary>Energy readings one session keeps (with <see cref="SessionEventsMax"/>, what keeps its document well under 2 MB).</summary>
    public const int SessionReadingsMax = 10_000;

    /// <summary>How far ahead of the server's clock a station's timestamp may be.</summary>
    public static readonly TimeSpan ClockSkewMax = TimeSpan.FromMinutes(5);

    public const int PageSizeDefault = 25;
    public const int PageSizeMax = 100;
}
