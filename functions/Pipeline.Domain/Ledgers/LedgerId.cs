using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Domain.Ledgers;

/// <summary>
/// A 128-bit identifier of an account or a transfer. Zero is reserved as "none". Ids are chosen by the caller
/// (random for new things, <see cref="FromName"/> for ids that must be the same on every retry), which is what
/// makes submitting a transfer idempotent. Ids whose top byte is 0xFF are <see cref="IsReserved">reserved</see> for
/// transfers the system makes without a transfer request (a payment's charge, a hold's expiry): no transfer
/// request may take one, so those can never meet a client's transfer of the same id.
/// </summary>
public readonly record struct LedgerId : IComparable<LedgerId>
{
    private const int ReservedShift = 120;
    private static readonly UInt128 ReservedTop = (UInt128)0xFF << ReservedShift;

    // The id is kept as two halves, not as one UInt128: UInt128 is 16-byte aligned, which pads every struct and
    // dictionary entry that holds an id (a transfer holds four) to a multiple of 16 bytes. The ledger core is
    // bound by memory traffic, so those bytes cost time.
    private readonly ulong upper;
    private readonly ulong lower;

    public LedgerId(UInt128 value)
    {
        upper = (ulong)(value >> 64);
        lower = (ulong)value;
    }

    public UInt128 Value => new(upper, lower);

    public static LedgerId None => default;

    public bool IsZero => (upper | lower) == 0;

    /// <summary>An id of the system's own transfers (<see cref="Reserved"/>), which no transfer request may use.</summary>
    public bool IsReserved => upper >> (ReservedShift - 64) == 0xFF;

    /// <summary>A reserved id derived from a name, e.g. "charge:pay_123" (SHA-256, as <see cref="FromName"/>, top byte 0xFF).</summary>
    public static LedgerId Reserved(string name) => new(Hash(name) | ReservedTop);

    /// <summary>
    /// A deterministic id derived from a name such as "payment:pay_123:capture:1" (SHA-256, first 16 bytes), so a
    /// retried step produces the same transfer id and the ledger answers <c>exists</c> instead of moving money twice.
    /// </summary>
    public static LedgerId FromName(string name) => Unreserved(Hash(name));

    /// <summary>A random non-zero id from the given generator (tests pass a seeded one); never a reserved one.</summary>
    public static LedgerId Random(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return Unreserved(BinaryPrimitives.ReadUInt128BigEndian(bytes));
    }

    private static UInt128 Hash(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        return BinaryPrimitives.ReadUInt128BigEndian(hash);
    }

    /// <summary>Non-zero and outside the reserved range (its top bit cleared if it fell there: 1 in 256).</summary>
    private static LedgerId Unreserved(UInt128 id) =>
        new(id == UInt128.Zero ? UInt128.One : (id & ReservedTop) == ReservedTop ? id & ~((UInt128)1 << 127) : id);

    /// <summary>Parses the 32-digit lower-case hexadecimal form written by <see cref="ToString"/>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out LedgerId id)
    {
        id = default;
        if (text is not { Length: 32 } || !text.All(char.IsAsciiHexDigitLower)
            || !UInt128.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        id = new LedgerId(value);
        return true;
    }

    public int CompareTo(LedgerId other) => Value.CompareTo(other.Value);

    /// <summary>
    /// All four 32-bit words through the process's seeded hash. Not <see cref="UInt128.GetHashCode"/>: that folds each
    /// half to 32 bits first, so every id whose halves are each two equal words hashes alike whatever the seed, and
    /// with linear probing such a family would slow every other id down too.
    /// </summary>
    public override int GetHashCode() => HashCode.Combine((uint)lower, (uint)(lower >> 32), (uint)upper, (uint)(upper >> 32));

    public bool Equals(LedgerId other) => upper == other.upper && lower == other.lower;

    public override string ToString() => Value.ToString("x32", CultureInfo.InvariantCulture);
}
