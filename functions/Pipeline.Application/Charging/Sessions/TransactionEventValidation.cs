using Pipeline.Domain.Charging;

namespace Pipeline.Application.Charging.Sessions;

/// <summary>Checks a TransactionEventRequest against the OCPP 2.0.1 schema's enumerations and lengths, and the bounds a session keeps.</summary>
public static class TransactionEventValidation
{
    /// <summary>The units an energy register reading may come in (OCPP's default is Wh).</summary>
    private static readonly Dictionary<string, decimal> EnergyUnits = new(StringComparer.Ordinal) { ["Wh"] = 1m, ["kWh"] = 1000m };

    public static Dictionary<string, string[]> Errors(TransactionEventRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        OneOf(request.EventType, OcppEnums.EventTypes, "eventType", errors);
        OneOf(request.TriggerReason, OcppEnums.TriggerReasons, "triggerReason", errors);
        if (request.SeqNo < 0)
        {
            errors["seqNo"] = ["Zero or more."];
        }

        Transaction(request.TransactionInfo, errors);
        if (request.IdToken is { } token)
        {
            if (token.IdToken is not { Length: > 0 and <= ChargingLimits.IdTokenLengthMax })
            {
                errors["idToken.idToken"] = [$"1 to {ChargingLimits.IdTokenLengthMax} characters."];
            }

            OneOf(token.Type, OcppEnums.IdTokenTypes, "idToken.type", errors);
        }

        if (request.Evse is { Id: <= 0 })
        {
            errors["evse.id"] = ["An EVSE's number, above 0."];
        }

        NotNegative(request.Evse?.ConnectorId, "evse.connectorId", errors);
        NotNegative(request.CableMaxCurrent, "cableMaxCurrent", errors);
        NotNegative(request.ReservationId, "reservationId", errors);
        NotNegative(request.TransactionInfo?.TimeSpentCharging, "transactionInfo.timeSpentCharging", errors);
        NotNegative(request.TransactionInfo?.RemoteStartId, "transactionInfo.remoteStartId", errors);
        if (request.NumberOfPhasesUsed is < 1 or > 3)
        {
            errors["numberOfPhasesUsed"] = ["1, 2 or 3."];
        }

        MeterValues(request.MeterValue, errors);
        Extensions(request, errors);
        return errors;
    }

    /// <summary>The schema's bounds on what Pipeline keeps but does not use: vendors' customData, a token's additional ids, signed meter data.</summary>
    private static void Extensions(TransactionEventRequest request, Dictionary<string, string[]> errors)
    {
        var vendors = new List<(OcppCustomData? Data, string Path)>
        {
            (request.CustomData, "customData"), (request.TransactionInfo?.CustomData, "transactionInfo.customData"),
            (request.Evse?.CustomData, "evse.customData"), (request.IdToken?.CustomData, "idToken.customData"),
        };
        var additional = request.IdToken?.AdditionalInfo;
        if (additional is { Count: 0 } || additional?.Any(a => a is null) == true)
        {
            errors["idToken.additionalInfo"] = ["One or more objects, or none."];
            additional = [];
        }

        for (var i = 0; i < (additional?.Count ?? 0); i++)
        {
            Length(additional![i].AdditionalIdToken, 36, $"idToken.additionalInfo[{i}].additionalIdToken", errors);
            Length(additional[i].Type, 50, $"idToken.additionalInfo[{i}].type", errors);
            vendors.Add((additional[i].CustomData, $"idToken.additionalInfo[{i}].customData"));
        }

        for (var i = 0; i < (errors.ContainsKey("meterValue") ? 0 : request.MeterValue?.Count ?? 0); i++)
        {
            vendors.Add((request.MeterValue![i]?.CustomData, $"meterValue[{i}].customData"));
            for (var j = 0; j < (request.MeterValue[i]?.SampledValue?.Count ?? 0); j++)
            {
                var value = request.MeterValue[i].SampledValue[j];
                var path = $"meterValue[{i}].sampledValue[{j}]";
                vendors.Add((value?.CustomData, $"{path}.customData"));
                vendors.Add((value?.UnitOfMeasure?.CustomData, $"{path}.unitOfMeasure.customData"));
                if (value?.UnitOfMeasure?.Unit is { } unit)
                {
                    Length(unit, 20, $"{path}.unitOfMeasure.unit", errors);
                }

                if (value?.SignedMeterValue is { } signed)
                {
                    Length(signed.SignedMeterData, 2500, $"{path}.signedMeterValue.signedMeterData", errors);
                    Length(signed.PublicKey, 2500, $"{path}.signedMeterValue.publicKey", errors);
                    Length(signed.SigningMethod, 50, $"{path}.signedMeterValue.signingMethod", errors);
                    Length(signed.EncodingMethod, 50, $"{path}.signedMeterValue.encodingMethod", errors);
                    vendors.Add((signed.CustomData, $"{path}.signedMeterValue.customData"));
                }
            }
        }

        foreach (var (data, path) in vendors.Where(v => v.Data is not null))
        {
            Length(data!.VendorId, 255, $"{path}.vendorId", errors);
        }
    }

    private static void Length(string? value, int max, string path, Dictionary<string, string[]> errors)
    {
        if (value is not { Length: > 0 } || value.Length > max)
        {
            errors[path] = [$"1 to {max} characters."];
        }
    }

    /// <summary>
    /// Times the station's clock gives that the server cannot believe: in the future beyond <see cref="ChargingLimits.ClockSkewMax"/>,
    /// or older than a session can last (a clock reset to 1970). A price is made of these times, so they are refused, not clamped.
    /// </summary>
    public static Dictionary<string, string[]> ClockErrors(TransactionEventRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        bool Believable(DateTimeOffset at) => at <= now + ChargingLimits.ClockSkewMax && at >= now - ChargingLimits.SessionDurationMax;
        var message = $"Not more than {ChargingLimits.ClockSkewMax.TotalMinutes} minutes ahead of the server's clock, nor older than {ChargingLimits.SessionDurationMax.TotalDays} days.";
        if (!Believable(request.Timestamp))
        {
            errors["timestamp"] = [message];
        }

        for (var i = 0; i < (request.MeterValue?.Count ?? 0); i++)
        {
            if (!Believable(request.MeterValue![i].Timestamp))
            {
                errors[$"meterValue[{i}].timestamp"] = [message];
            }
        }

        return errors;
    }

    /// <summary>The energy register readings of a valid request's meter values, in Wh (overall values only: a phase's reading is a part of it).</summary>
    public static IReadOnlyList<EnergyReading> EnergyReadings(TransactionEventRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return [.. (request.MeterValue ?? []).SelectMany(m => m.SampledValue
            .Where(v => (v.Measurand ?? OcppEnums.EnergyRegister) == OcppEnums.EnergyRegister && v.Phase is null)
            .Select(v => new EnergyReading(m.Timestamp, v.Value * Scale(v.UnitOfMeasure))))];
    }

    private static decimal Scale(OcppUnitOfMeasure? unit)
    {
        var factor = EnergyUnits[unit?.Unit ?? "Wh"];
        var multiplier = unit?.Multiplier ?? 0;
        for (var i = 0; i < Math.Abs(multiplier); i++)
        {
            factor = multiplier > 0 ? factor * 10m : factor / 10m;
        }

        return factor;
    }

    private static void Transaction(OcppTransaction? transaction, Dictionary<string, string[]> errors)
    {
        if (transaction is null)
        {
            errors["transactionInfo"] = [TariffValidation.NotNull];
            return;
        }

        if (transaction.TransactionId is not { Length: > 0 and <= ChargingLimits.TransactionIdLengthMax } || transaction.TransactionId.Any(char.IsControl))
        {
            errors["transactionInfo.transactionId"] = [$"1 to {ChargingLimits.TransactionIdLengthMax} characters, no control characters."];
        }

        OptionalOneOf(transaction.ChargingState, OcppEnums.ChargingStates, "transactionInfo.chargingState", errors);

        if (transaction.StoppedReason is { } reason)
        {
            OneOf(reason, OcppEnums.StoppedReasons, "transactionInfo.stoppedReason", errors);
        }
    }

    private static void MeterValues(IReadOnlyList<OcppMeterValue>? meterValues, Dictionary<string, string[]> errors)
    {
        if (meterValues is null)
        {
            return;
        }

        if (meterValues.Count is 0 or > ChargingLimits.MeterValuesMax)
        {
            errors["meterValue"] = [$"1 to {ChargingLimits.MeterValuesMax} meter values, or none."];
            return;
        }

        for (var i = 0; i < meterValues.Count; i++)
        {
            var path = $"meterValue[{i}]";
            if (meterValues[i]?.SampledValue is not { Count: > 0 and <= ChargingLimits.SampledValuesMax } sampled || sampled.Any(v => v is null))
            {
                errors[$"{path}.sampledValue"] = [$"1 to {ChargingLimits.SampledValuesMax} sampled values."];
                continue;
            }

            for (var j = 0; j < sampled.Count; j++)
            {
                SampledValue(sampled[j], $"{path}.sampledValue[{j}]", errors);
            }
        }
    }

    private static void SampledValue(OcppSampledValue value, string path, Dictionary<string, string[]> errors)
    {
        OptionalOneOf(value.Measurand, OcppEnums.Measurands, $"{path}.measurand", errors);
        OptionalOneOf(value.Context, OcppEnums.Contexts, $"{path}.context", errors);
        OptionalOneOf(value.Phase, OcppEnums.Phases, $"{path}.phase", errors);
        OptionalOneOf(value.Location, OcppEnums.Locations, $"{path}.location", errors);
        if ((value.Measurand ?? OcppEnums.EnergyRegister) != OcppEnums.EnergyRegister)
        {
            return; // Not billed: kept as the station sent it.
        }

        if (!EnergyUnits.ContainsKey(value.UnitOfMeasure?.Unit ?? "Wh"))
        {
            errors[$"{path}.unitOfMeasure.unit"] = ["An energy register reads in Wh or kWh."];
        }
        else if (value.UnitOfMeasure?.Multiplier is < -3 or > 6)
        {
            errors[$"{path}.unitOfMeasure.multiplier"] = ["A power of ten from -3 to 6."];
        }
        else if (value.Value < 0 || value.Value > ChargingLimits.RegisterWhMax || value.Value * Scale(value.UnitOfMeasure) > ChargingLimits.RegisterWhMax)
        {
            errors[$"{path}.value"] = [$"An energy register reading from 0 to {ChargingLimits.RegisterWhMax} Wh."];
        }
    }

    private static void NotNegative(int? value, string path, Dictionary<string, string[]> errors)
    {
        if (value < 0)
        {
            errors[path] = ["Zero or more."];
        }
    }

    private static void OneOf(string? value, IReadOnlySet<string> allowed, string path, Dictionary<string, string[]> errors)
    {
        if (value is null || !allowed.Contains(value))
        {
            errors[path] = [$"One of {string.Join(", ", allowed)} (as OCPP 2.0.1 spells it)."];
        }
    }

    private static void OptionalOneOf(string? value, IReadOnlySet<string> allowed, string path, Dictionary<string, string[]> errors)
    {
        if (value is not null)
        {
            OneOf(value, allowed, path, errors);
        }
    }
}
