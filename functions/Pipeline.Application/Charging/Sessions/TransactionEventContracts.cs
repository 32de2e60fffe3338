using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Application.Http;

namespace Pipeline.Application.Charging.Sessions;

/// <summary>
/// OCPP 2.0.1 TransactionEventRequest, field for field as the official JSON schema defines it (camelCase; enumerations
/// as OCPP spells them, checked by <see cref="TransactionEventValidation"/>). customData is OCPP's open extension point:
/// accepted and ignored.
/// </summary>
public sealed record TransactionEventRequest(
    string EventType,
    DateTimeOffset Timestamp,
    string TriggerReason,
    int SeqNo,
    OcppTransaction TransactionInfo,
    IReadOnlyList<OcppMeterValue>? MeterValue = null,
    bool? Offline = null,
    int? NumberOfPhasesUsed = null,
    int? CableMaxCurrent = null,
    int? ReservationId = null,
    OcppEvse? Evse = null,
    OcppIdToken? IdToken = null,
    OcppCustomData? CustomData = null) : IValidatable
{
    public IReadOnlyDictionary<string, string[]> Validate() => TransactionEventValidation.Errors(this);
}

/// <summary>OCPP CustomDataType: a vendor's extension, open to any other property (kept as sent, not used).</summary>
public sealed record OcppCustomData(string VendorId)
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extensions { get; init; }
}

public sealed record OcppTransaction(
    string TransactionId, string? ChargingState = null, int? TimeSpentCharging = null, string? StoppedReason = null, int? RemoteStartId = null,
    OcppCustomData? CustomData = null);

public sealed record OcppMeterValue(DateTimeOffset Timestamp, IReadOnlyList<OcppSampledValue> SampledValue, OcppCustomData? CustomData = null);

public sealed record OcppSampledValue(
    decimal Value, string? Context = null, string? Measurand = null, string? Phase = null, string? Location = null,
    OcppSignedMeterValue? SignedMeterValue = null, OcppUnitOfMeasure? UnitOfMeasure = null, OcppCustomData? CustomData = null);

public sealed record OcppSignedMeterValue(string SignedMeterData, string SigningMethod, string EncodingMethod, string PublicKey, OcppCustomData? CustomData = null);

public sealed record OcppUnitOfMeasure(string? Unit = null, int? Multiplier = null, OcppCustomData? CustomData = null);

public sealed record OcppEvse(int Id, int? ConnectorId = null, OcppCustomData? CustomData = null);

public sealed record OcppIdToken(string IdToken, string Type, IReadOnlyList<OcppAdditionalInfo>? AdditionalInfo = null, OcppCustomData? CustomData = null);

public sealed record OcppAdditionalInfo(string AdditionalIdToken, string Type, OcppCustomData? CustomData = null);

/// <summary>OCPP 2.0.1 TransactionEventResponse: what the station is told (every field optional).</summary>
/// <param name="TotalCost">On Ended: the session's final cost, VAT included, in the tariff's currency (major units).</param>
/// <param name="IdTokenInfo">When the request carried an idToken, or the session ran out of credit (NoCredit: a station configured to stop does).</param>
/// <param name="UpdatedPersonalMessage">The running cost, for the station's display.</param>
public sealed record TransactionEventResponse(decimal? TotalCost = null, OcppIdTokenInfo? IdTokenInfo = null, OcppMessageContent? UpdatedPersonalMessage = null);

/// <param name="Status">OCPP AuthorizationStatusEnumType: Accepted, Invalid, Blocked, NoCredit here.</param>
public sealed record OcppIdTokenInfo(string Status);

/// <param name="Format">OCPP MessageFormatEnumType; UTF8 here.</param>
public sealed record OcppMessageContent(string Format, string Content);

/// <summary>The OCPP 2.0.1 enumerations a transaction event is checked against (official JSON schema, OCPP 2.0.1 FINAL).</summary>
public static class OcppEnums
{
    public const string Started = "Started";
    public const string Updated = "Updated";
    public const string Ended = "Ended";

    /// <summary>The measurand that carries the energy a session is billed for (the default when a sampled value names none).</summary>
    public const string EnergyRegister = "Energy.Active.Import.Register";

    public static readonly IReadOnlySet<string> EventTypes = new HashSet<string>(StringComparer.Ordinal) { Started, Updated, Ended };

    /// <summary>ChargingStateEnumType: the domain's states, spelt as OCPP does.</summary>
    public static readonly IReadOnlySet<string> ChargingStates = new HashSet<string>(Enum.GetNames<Domain.Charging.ChargingState>(), StringComparer.Ordinal);

    public static readonly IReadOnlySet<string> TriggerReasons = new HashSet<string>(StringComparer.Ordinal)
    {
        "Authorized", "CablePluggedIn", "ChargingRateChanged", "ChargingStateChanged", "Deauthorized", "EnergyLimitReached", "EVCommunicationLost",
        "EVConnectTimeout", "MeterValueClock", "MeterValuePeriodic", "TimeLimitReached", "Trigger", "UnlockCommand", "StopAuthorized", "EVDeparted",
        "EVDetected", "RemoteStop", "RemoteStart", "AbnormalCondition", "SignedDataReceived", "ResetCommand",
    };

    public static readonly IReadOnlySet<string> StoppedReasons = new HashSet<string>(StringComparer.Ordinal)
    {
        "DeAuthorized", "EmergencyStop", "EnergyLimitReached", "EVDisconnected", "GroundFault", "ImmediateReset", "Local", "LocalOutOfCredit",
        "MasterPass", "Other", "OvercurrentFault", "PowerLoss", "PowerQuality", "Reboot", "Remote", "SOCLimitReached", "StoppedByEV",
        "TimeLimitReached", "Timeout",
    };

    public static readonly IReadOnlySet<string> Measurands = new HashSet<string>(StringComparer.Ordinal)
    {
        "Current.Export", "Current.Import", "Current.Offered", "Energy.Active.Export.Register", EnergyRegister, "Energy.Reactive.Export.Register",
        "Energy.Reactive.Import.Register", "Energy.Active.Export.Interval", "Energy.Active.Import.Interval", "Energy.Active.Net",
        "Energy.Reactive.Export.Interval", "Energy.Reactive.Import.Interval", "Energy.Reactive.Net", "Energy.Apparent.Net", "Energy.Apparent.Import",
        "Energy.Apparent.Export", "Frequency", "Power.Active.Export", "Power.Active.Import", "Power.Factor", "Power.Offered", "Power.Reactive.Export",
        "Power.Reactive.Import", "SoC", "Voltage",
    };

    public static readonly IReadOnlySet<string> Contexts = new HashSet<string>(StringComparer.Ordinal)
    {
        "Interruption.Begin", "Interruption.End", "Other", "Sample.Clock", "Sample.Periodic", "Transaction.Begin", "Transaction.End", "Trigger",
    };

    public static readonly IReadOnlySet<string> Phases = new HashSet<string>(StringComparer.Ordinal)
    {
        "L1", "L2", "L3", "N", "L1-N", "L2-N", "L3-N", "L1-L2", "L2-L3", "L3-L1",
    };

    public static readonly IReadOnlySet<string> Locations = new HashSet<string>(StringComparer.Ordinal) { "Body", "Cable", "EV", "Inlet", "Outlet" };

    /// <summary>The types a token is registered with, and NoAuthorization (a free-vend station: no token to authorise).</summary>
    public const string NoAuthorization = "NoAuthorization";

    public static readonly IReadOnlySet<string> IdTokenTypes = new HashSet<string>([.. ChargingTokenRules.Types, NoAuthorization], StringComparer.Ordinal);
}
