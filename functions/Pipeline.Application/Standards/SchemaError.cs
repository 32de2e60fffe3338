using System.Globalization;

namespace Pipeline.Application.Standards;

/// <summary>
/// One way a document fails: where (the line and position a person opens the file at, and the element, so the
/// message reads without the file at hand) and what. Line and position are 1-based; 0 when nothing could be read.
/// </summary>
/// <param name="Element">The local name of the element being read when the error occurred; null when not known (an attribute, or before the first element).</param>
public sealed record SchemaError(int Line, int Position, string? Element, string Message)
{
    /// <summary>"line L, position P, element E: message" — the element part left out when it is not known.</summary>
    public override string ToString() => Element is null
        ? string.Create(CultureInfo.InvariantCulture, $"line {Line}, position {Position}: {Message}")
        : string.Create(CultureInfo.InvariantCulture, $"line {Line}, position {Position}, element {Element}: {Message}");
}
