using System.Xml;

namespace Pipeline.Application.Standards;

/// <summary>ISO 20022 messages nest values deeply ("Amt/InstdAmt", "CdtrAcct/Id/IBAN"): one call writes a value inside its path.</summary>
public static class XmlNesting
{
    /// <summary>Writes <paramref name="value"/> inside the elements of <paramref name="path"/>, outermost first.</summary>
    public static void WriteNested(this XmlWriter xml, string value, params ReadOnlySpan<string> path)
    {
        ArgumentNullException.ThrowIfNull(xml);
        foreach (var name in path)
        {
            xml.WriteStartElement(name);
        }

        xml.WriteString(value);
        foreach (var _ in path)
        {
            xml.WriteEndElement();
        }
    }
}
