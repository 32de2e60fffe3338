using Pipeline.Application.Http;

namespace Pipeline.Application.Devices;

/// <summary>Devices: a merchant registers its chargers, vehicles and toll gateways; a device checks that it can sign.</summary>
public static class DeviceRoutes
{
    public const int ExternalIdLengthMax = 128;

    public static readonly ApiRoute Register = new("RegisterDevice", "POST", "v1/devices", Access.Merchant,
        "Registers a device; the response holds its signing secret, shown only this once.", RegisterAsync, typeof(RegisterDeviceRequest), typeof(RegisteredDevice));

    public static readonly ApiRoute CheckIn = new("DeviceCheckIn", "POST", "v1/devices/check-ins", Access.Device,
        "A signed no-op: lets a device verify its id, secret and clock before it goes live.", CheckInAsync, null, typeof(CheckInResult));

    private static async Task<ApiResponse> RegisterAsync(ApiRequest request)
    {
        if (request.TryRead<RegisterDeviceRequest>(out var body) is { } problem)
        {
            return problem;
        }

        var registered = await request.Service<DeviceStore>().RegisterAsync(request.Caller.MerchantId!, body.Kind, body.ExternalId, request.Aborted);
        if (registered is not { } device)
        {
            return ApiResponse.Problem(StatusCodes.Status409Conflict, ErrorCodes.AlreadyExists, "This merchant already registered a device with this externalId.");
        }

        return ApiResponse.Created(new RegisteredDevice(device.Device.Id, device.Device.Kind, device.Device.ExternalId, device.Secret, device.Device.CreatedAt));
    }

    private static Task<ApiResponse> CheckInAsync(ApiRequest request) =>
        Task.FromResult(ApiResponse.Ok(new CheckInResult(request.Caller.DeviceId!, request.Service<TimeProvider>().GetUtcNow())));

    public sealed record RegisterDeviceRequest(DeviceKind Kind, string ExternalId) : IValidatable
    {
        public IReadOnlyDictionary<string, string[]> Validate() =>
            string.IsNullOrWhiteSpace(ExternalId) || ExternalId.Length > ExternalIdLengthMax
                ? new Dictionary<string, string[]> { ["externalId"] = [$"Give the device's own id, 1 to {ExternalIdLengthMax} characters."] }
                : new Dictionary<string, string[]>();
    }

    public sealed record RegisteredDevice(string Id, DeviceKind Kind, string ExternalId, string Secret, DateTimeOffset CreatedAt);

    public sealed record CheckInResult(string DeviceId, DateTimeOffset ServerTime);
}
