namespace Pipeline.Application.Devices;

/// <summary>Every bound of devices and their secrets, in one place.</summary>
public static class DeviceLimits
{
    public const int ExternalIdLengthMax = 128;

    /// <summary>
    /// How long a device's previous secret keeps signing after a rotation, so a device in the field can take its new
    /// secret without a moment in which neither works. A second rotation within this time ends the oldest secret at
    /// once: a device has at most two valid secrets.
    /// </summary>
    public static readonly TimeSpan SecretOverlap = TimeSpan.FromHours(24);

    /// <summary>Random bytes of a device secret (256 bits, shown as 64 hex characters).</summary>
    public const int SecretBytes = 32;

    /// <summary>Random bytes that tell a rotated secret's name in the secret store from its predecessors'.</summary>
    public const int SecretVersionBytes = 8;
}
