using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Pipeline.Application.Standards;

namespace Pipeline.Application.Collection.Statements;

/// <summary>
/// Paths and values inside the parts of a camt.053.001.08 document, each part loaded with its line numbers. A part
/// is read only after the schema has passed it, so a path the schema requires is there; a value the schema lets
/// through but the platform cannot take (a year after 9999) becomes an error at its element.
/// </summary>
internal static class Camt053Xml
{
    public const string NamespaceName = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08";

    /// <summary>CdtDbtInd of money in; the other value is <see cref="Debit"/>.</summary>
    public const string Credit = "CRDT";

    public const string Debit = "DBIT";

    /// <summary>"yyyy-MM-dd": the start of both an xs:date and an xs:dateTime.</summary>
    private const int DateLength = 10;

    private static readonly XNamespace Namespace = NamespaceName;

    /// <summary>The element at <paramref name="path"/> below <paramref name="parent"/> (the first of each name), or null.</summary>
    public static XElement? Find(this XElement? parent, params ReadOnlySpan<string> path)
    {
        foreach (var name in path)
        {
            parent = parent?.Element(Namespace + name);
        }

        return parent;
    }

    public static string? Text(this XElement? parent, params ReadOnlySpan<string> path) => parent.Find(path)?.Value;

    public static IEnumerable<XElement> Children(this XElement parent, string name) => parent.Elements(Namespace + name);

    /// <summary>The date of a date-or-date-time choice (BookgDt, ValDt, Bal/Dt): Dt, or DtTm's date as written.</summary>
    public static DateOnly? DateOf(XElement? choice, SchemaReading reading)
    {
        if (choice?.Elements().FirstOrDefault() is not { } value)
        {
            return null;
        }

        var text = value.Value.Trim();
        if (text.Length >= DateLength
            && DateOnly.TryParseExact(text.AsSpan(0, DateLength), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        reading.Add(ErrorAt(value, $"'{text}' is not a date the platform can take (years 0001 to 9999)."));
        return null;
    }

    /// <summary>An ISO date and time; one written without an offset is read as UTC, the banks' usual meaning.</summary>
    public static DateTimeOffset? DateTimeOf(XElement value, SchemaReading reading)
    {
        var text = value.Value.Trim();
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at;
        }

        reading.Add(ErrorAt(value, $"'{text}' is not a date and time the platform can take (years 0001 to 9999)."));
        return null;
    }

    /// <summary>Without whitespace and in upper case: an IBAN's electronic format, and a creditor reference as compared.</summary>
    public static string Compact(string value) => string.Concat(value.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();

    public static SchemaError ErrorAt(XElement element, string message)
    {
        var position = (IXmlLineInfo)element;
        return new SchemaError(position.LineNumber, position.LinePosition, element.Name.LocalName, message);
    }
}
