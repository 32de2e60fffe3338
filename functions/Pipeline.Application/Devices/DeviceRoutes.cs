using System.Globalization;
using Pipeline.Application.Http;

namespace Pipeline.Application.Devices;

/// <summary>Devices: a merchant registers its chargers, vehicles and toll gateways and rotates their secrets; a device checks that it can sign.</summary>
public static class DeviceRoutes
{
    private static readonly string OverlapHours = DeviceLimits.SecretOverlap.TotalHours.ToString(CultureInfo.InvariantCulture);

    public static readonly ApiRoute Register = new("RegisterDevice", "POST", "v1/devices", Access.Merchant,
        "Registers a device; the response holds its signing secret, shown only this once (a replay of the Idempotency-Key answers without it, "
        + "with secretNotice). Registering it again is 409 already_exists and leaves its secret alone; rotate the secret to get a new one.",
        RegisterAsync, typeof(RegisterDeviceRequest), typeof(RegisteredDevice));

    public static readonly ApiRoute CheckIn = new("DeviceCheckIn", "POST", "v1/devices/check-ins", Access.Device,
        "A signed no-op: lets a device verify its id, secret and clock before it goes live.", CheckInAsync, null, typeof(CheckInResult))
    {
        SuccessStatus = StatusCodes.Status200OK, // It creates nothing.
    };

    public static readonly ApiRoute RotateSecret = new("RotateDeviceSecret", "POST", "v1/devices/{id}/secret-rotations", Access.Merchant,
        $"Issues the device a new signing secret, shown only this once. The previous secret keeps signing for {OverlapHours} hours "
        + "(previousSecretValidUntil), so the device can switch without downtime; then only the new one signs. Rotating again within that "
        + "time ends the oldest secret at once if the device has signed with the current one; if it has not (the answer was lost), the "
        + "current one is replaced and the previous one keeps its deadline. revokePrevious: true (a leaked secret) leaves only the new "
        + "secret valid. Also repairs a device whose registration failed before its secret was stored.",
        RotateSecretAsync, typeof(RotateDeviceSecretRequest), typeof(RotatedDeviceSecret));

    private static async Task<ApiResponse> RegisterAsync(ApiRequest request)
    {
        if (request.TryRead<RegisterDeviceRequest>(out var body) is { } problem)
        {
            return problem;
        }

        var registered = await request.Service<DeviceStore>().RegisterAsync(request.Caller.MerchantId!, body.Kind, body.ExternalId, request.Aborted);
        if (registered is not { } device)
        {
            return ApiResponse.Problem(StatusCodes.Status409Conflict, ErrorCodes.AlreadyExists,
                "This merchant already registered a device with this externalId; its secret is unchanged. To give it a new secret, "
                + "POST /api/v1/devices/{id}/secret-rotations with the device's id.");
        }

        return ApiResponse.Created(new RegisteredDevice(device.Device.Id, device.Device.Kind, device.Device.ExternalId, device.Secret, device.Device.CreatedAt));
    }

    private static async Task<ApiResponse> RotateSecretAsync(ApiRequest request)
    {
        if (request.TryReadOptional(new RotateDeviceSecretRequest(), out var body) is { } problem)
        {
            return problem;
        }

        var rotation = await request.Service<DeviceStore>().RotateSecretAsync(request.Caller.MerchantId!, request.Route("id"), body.RevokePrevious, request.Aborted);
        return rotation is null
            ? ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No device of yours has this id.")
            : ApiResponse.Created(new RotatedDeviceSecret(rotation.Device.Id, rotation.Secret, rotation.PreviousSecretValidUntil));
    }

    private static Task<ApiResponse> CheckInAsync(ApiRequest request) =>
        Task.FromResult(ApiResponse.Ok(new CheckInResult(request.Caller.DeviceId!, request.Service<TimeProvider>().GetUtcNow())));

    /// <summary>What a replay of a response with a device secret says instead of the secret.</summary>
    private static string SecretNotice(string deviceId) =>
        $"The secret is shown only once, in the first response. Get a new one with POST /api/v1/devices/{deviceId}/secret-rotations "
        + $"(the secret the device uses keeps signing for {OverlapHours} hours after that).";

    public sealed record RegisterDeviceRequest(DeviceKind Kind, string ExternalId) : IValidatable
    {
        public IReadOnlyDictionary<string, string[]> Validate() =>
            string.IsNullOrWhiteSpace(ExternalId) || ExternalId.Length > DeviceLimits.ExternalIdLengthMax
                ? new Dictionary<string, string[]> { ["externalId"] = [$"Give the device's own id, 1 to {DeviceLimits.ExternalIdLengthMax} characters."] }
                : new Dictionary<string, string[]>();
    }

    /// <param name="RevokePrevious">No overlap: only the new secret signs from now on (for a leaked secret; the device is refused until it has the new one).</param>
    public sealed record RotateDeviceSecretRequest(bool RevokePrevious = false) : IValidatable
    {
        public IReadOnlyDictionary<string, string[]> Validate() => new Dictionary<string, string[]>();
    }

    /// <param name="Secret">The signing secret, in the first response only.</param>
    public sealed record RegisteredDevice(string Id, DeviceKind Kind, string ExternalId, string? Secret, DateTimeOffset CreatedAt) : IShownOnce
    {
        /// <summary>Instead of <see cref="Secret"/> in a replay: why it is missing and how to get a new one.</summary>
        public string? SecretNotice { get; init; }

        public object WithoutSecret() => this with { Secret = null, SecretNotice = DeviceRoutes.SecretNotice(Id) };
    }

    /// <param name="Secret">The new signing secret, in the first response only.</param>
    /// <param name="PreviousSecretValidUntil">Until when the previous secret still signs; absent when it no longer does.</param>
    public sealed record RotatedDeviceSecret(string DeviceId, string? Secret, DateTimeOffset? PreviousSecretValidUntil) : IShownOnce
    {
        /// <summary>Instead of <see cref="Secret"/> in a replay: why it is missing and how to get a new one.</summary>
        public string? SecretNotice { get; init; }

        public object WithoutSecret() => this with { Secret = null, SecretNotice = DeviceRoutes.SecretNotice(DeviceId) };
    }

    public sealed record CheckInResult(string DeviceId, DateTimeOffset ServerTime);
}
