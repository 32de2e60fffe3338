using System.Xml.Schema;
using Pipeline.Application.Standards;

namespace Pipeline.Application.Settlement;

/// <summary>The EPC pain.001 schema (Standards/iso20022), and the check of a document against it.</summary>
public static partial class Pain001
{
    private static readonly Iso20022Schema Standard = new("pain.001.001.09.epc-sct-c2psp-2023.xsd");

    /// <summary>The compiled schema, loaded once from the embedded resource. Read it; never add to it.</summary>
    public static XmlSchemaSet Schema => Standard.Schema;

    /// <summary>
    /// Every way <paramref name="xml"/> breaks the schema, each as "line L, position P, element E: message"
    /// (<see cref="SchemaError"/>); empty when it is valid. See <see cref="Iso20022Schema.Validate(string, long)"/>.
    /// </summary>
    public static IReadOnlyList<string> Validate(string xml) => [.. Standard.Validate(xml).Select(error => error.ToString())];
}
