using System.Globalization;
using System.Xml;
using System.Xml.Schema;

namespace Pipeline.Application.Settlement;

/// <summary>The EPC pain.001 schema (Standards/iso20022), and the check of a document against it.</summary>
public static partial class Pain001
{
    private const string SchemaResource = "Pipeline.Application.Standards.iso20022.pain.001.001.09.epc-sct-c2psp-2023.xsd";

    private static readonly Lazy<XmlSchemaSet> CompiledSchema = new(LoadSchema);

    /// <summary>The compiled schema, loaded once from the embedded resource. Read it; never add to it.</summary>
    public static XmlSchemaSet Schema => CompiledSchema.Value;

    /// <summary>
    /// Every way <paramref name="xml"/> breaks the schema, each as "line L, position P: message"; empty when it is
    /// valid. A document that is not well-formed XML, or has a DTD, reports where reading stopped (line 0 when
    /// nothing could be read). Warnings count as errors: an element the schema does not know (another namespace,
    /// another version) is not a valid pain.001.
    /// </summary>
    public static IReadOnlyList<string> Validate(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var errors = new List<string>();
        var settings = SecureReaderSettings();
        settings.ValidationType = ValidationType.Schema;
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings;
        settings.Schemas = Schema;
        settings.ValidationEventHandler += (_, e) => errors.Add(Describe(e.Exception.LineNumber, e.Exception.LinePosition, e.Message));
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        var position = (IXmlLineInfo)reader;
        var (lastLine, lastPosition) = (0, 0);
        try
        {
            while (reader.Read())
            {
                (lastLine, lastPosition) = (position.LineNumber, position.LinePosition);
            }
        }
        catch (XmlException e)
        {
            // Some refusals (a DTD) carry no position, and a reader in error forgets its own: name the last node read.
            errors.Add(e.LineNumber > 0 ? Describe(e.LineNumber, e.LinePosition, e.Message) : Describe(lastLine, lastPosition, e.Message));
        }

        return errors;
    }

    private static string Describe(int line, int position, string message) =>
        string.Create(CultureInfo.InvariantCulture, $"line {line}, position {position}: {message}");

    /// <summary>No DTDs and no resolver: neither the schema nor a document may pull in entities or other files.</summary>
    private static XmlReaderSettings SecureReaderSettings() => new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };

    private static XmlSchemaSet LoadSchema()
    {
        using var stream = typeof(Pain001).Assembly.GetManifestResourceStream(SchemaResource)
            ?? throw new InvalidOperationException($"The embedded resource {SchemaResource} is missing.");
        using var reader = XmlReader.Create(stream, SecureReaderSettings());
        var schemas = new XmlSchemaSet { XmlResolver = null };
        schemas.Add(targetNamespace: null, reader);
        schemas.Compile();
        return schemas;
    }
}
