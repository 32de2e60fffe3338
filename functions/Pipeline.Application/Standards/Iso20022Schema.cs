using System.Xml;
using System.Xml.Schema;

namespace Pipeline.Application.Standards;

/// <summary>
/// One of the ISO 20022 schemas embedded from Standards/iso20022, and the check of a document against it. Documents
/// come from outside (a bank's statement) or leave for a bank (a payout file), so they are read as hostile: no DTD,
/// no resolver (nothing pulls in entities or other files), a bound on the characters read and on the errors
/// reported, and streaming, so a file of tens of megabytes costs memory for a node at a time, not for the file.
/// </summary>
public sealed class Iso20022Schema
{
    /// <summary>64 Mi characters: several times the largest daily statement a bank sends for one account.</summary>
    public const long DefaultMaxCharacters = 64L * 1024 * 1024;

    /// <summary>Reading stops at this many errors: a broken file says so in its first errors, and the rest only costs.</summary>
    public const int MaxErrors = 100;

    private const string ResourcePrefix = "Pipeline.Application.Standards.iso20022.";

    private readonly string resource;
    private readonly Lazy<XmlSchemaSet> compiled;

    /// <param name="resourceFileName">The file name under Standards/iso20022, e.g. "camt.053.001.08.xsd".</param>
    public Iso20022Schema(string resourceFileName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resourceFileName);
        resource = ResourcePrefix + resourceFileName;
        if (typeof(Iso20022Schema).Assembly.GetManifestResourceInfo(resource) is null)
        {
            throw new ArgumentException($"No schema {resourceFileName} is embedded under Standards/iso20022.", nameof(resourceFileName));
        }

        compiled = new(Load);
    }

    /// <summary>The compiled schema, loaded once on first use. Read it; never add to it.</summary>
    public XmlSchemaSet Schema => compiled.Value;

    /// <summary>
    /// Every way <paramref name="xml"/> breaks the schema, at most <see cref="MaxErrors"/>; empty when it is valid. A
    /// document that is not well-formed XML, has a DTD or is longer than <paramref name="maxCharacters"/> reports
    /// where reading stopped. Warnings count as errors: an element the schema does not know (another namespace,
    /// another version) is not a valid document of this schema.
    /// </summary>
    public IReadOnlyList<SchemaError> Validate(string xml, long maxCharacters = DefaultMaxCharacters)
    {
        ArgumentNullException.ThrowIfNull(xml);
        return ValidateAll(settings => XmlReader.Create(new StringReader(xml), settings), maxCharacters);
    }

    /// <inheritdoc cref="Validate(string, long)"/>
    /// <remarks>The stream is read once, as it comes, and left open.</remarks>
    public IReadOnlyList<SchemaError> Validate(Stream xml, long maxCharacters = DefaultMaxCharacters)
    {
        ArgumentNullException.ThrowIfNull(xml);
        return ValidateAll(settings => XmlReader.Create(xml, settings), maxCharacters);
    }

    /// <summary>A validating read of <paramref name="xml"/> for a reader that takes values out as it goes.</summary>
    internal SchemaReading Open(Stream xml, long maxCharacters)
    {
        ArgumentNullException.ThrowIfNull(xml);
        return new SchemaReading(settings => XmlReader.Create(xml, settings), SecureReaderSettings(maxCharacters), Schema);
    }

    /// <summary>No DTDs and no resolver: neither a schema nor a document may pull in entities or other files.</summary>
    private static XmlReaderSettings SecureReaderSettings(long maxCharacters)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCharacters); // 0 would mean no bound at all
        return new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = maxCharacters,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
    }

    private IReadOnlyList<SchemaError> ValidateAll(Func<XmlReaderSettings, XmlReader> create, long maxCharacters)
    {
        using var reading = new SchemaReading(create, SecureReaderSettings(maxCharacters), Schema);
        reading.Run(reading.ReadToEnd);
        return reading.Errors;
    }

    private XmlSchemaSet Load()
    {
        using var stream = typeof(Iso20022Schema).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded resource {resource} is missing.");
        using var reader = XmlReader.Create(stream, SecureReaderSettings(DefaultMaxCharacters));
        var schemas = new XmlSchemaSet { XmlResolver = null };
        schemas.Add(targetNamespace: null, reader);
        schemas.Compile();
        return schemas;
    }
}
