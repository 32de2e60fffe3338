using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;

namespace Pipeline.Application.Standards;

/// <summary>
/// One pass of a validating reader over a document, with the errors it found so far: the schema's, the XML's own
/// (not well-formed, a DTD, too long), and those a reader taking values out adds (<see cref="Add"/>). A reader
/// checks and reads in the same pass, so a document arriving as a stream is read once and never held whole.
/// </summary>
internal sealed class SchemaReading : IDisposable
{
    private readonly List<SchemaError> errors = [];

    /// <summary>The last node read: where a failure that carries no position (a DTD, the size bound) is reported.</summary>
    private (int Line, int Position, string? Element) last;

    public SchemaReading(Func<XmlReaderSettings, XmlReader> create, XmlReaderSettings settings, XmlSchemaSet schema)
    {
        settings.ValidationType = ValidationType.Schema;
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings;
        settings.Schemas = schema;
        settings.ValidationEventHandler += OnValidation;
        Reader = create(settings);
    }

    public XmlReader Reader { get; }

    /// <summary>At most <see cref="Iso20022Schema.MaxErrors"/>, in the order found.</summary>
    public IReadOnlyList<SchemaError> Errors => errors;

    /// <summary>False once reading stopped on the XML itself: not well-formed, a DTD, or over the size bound.</summary>
    public bool WellFormed { get; private set; } = true;

    public bool HasErrors => errors.Count > 0;

    /// <summary>Moves to the next node; false at the end of the document or once <see cref="Iso20022Schema.MaxErrors"/> are found.</summary>
    public bool Read()
    {
        if (errors.Count >= Iso20022Schema.MaxErrors || !Reader.Read())
        {
            return false;
        }

        var position = (IXmlLineInfo)Reader;
        last = (position.LineNumber, position.LinePosition, ElementOf(Reader) ?? last.Element);
        return true;
    }

    public void ReadToEnd()
    {
        while (Read())
        {
            // Every node passes the validator on its way.
        }
    }

    /// <summary>
    /// The element the reader is on, whole and validated, with the line of each of its elements; the reader is left
    /// on its end tag. Null when it, or anything before it, broke the schema: values are never taken from a part the
    /// schema refused. For the small parts of a document (a header, one entry), never for the document.
    /// </summary>
    public XElement? LoadValidElement()
    {
        using var subtree = Reader.ReadSubtree();
        var element = XElement.Load(subtree, LoadOptions.SetLineInfo);
        return HasErrors ? null : element;
    }

    /// <summary>Runs <paramref name="read"/>; the XML failing under it ends reading with one more error, never an exception.</summary>
    public void Run(Action read)
    {
        try
        {
            read();
        }
        catch (XmlException e)
        {
            WellFormed = false;
            // Some refusals (a DTD, the size bound) carry no position, and a reader in error forgets its own: name the last node read.
            Add(e.LineNumber > 0 ? new SchemaError(e.LineNumber, e.LinePosition, last.Element, e.Message) : new SchemaError(last.Line, last.Position, last.Element, e.Message));
        }
    }

    public void Add(SchemaError error)
    {
        if (errors.Count < Iso20022Schema.MaxErrors)
        {
            errors.Add(error);
        }
    }

    public void Dispose() => Reader.Dispose();

    /// <summary>The validator reports from the reader it validates for, on the element (or end tag) that broke the schema.</summary>
    private void OnValidation(object? sender, ValidationEventArgs e) =>
        Add(new SchemaError(e.Exception.LineNumber, e.Exception.LinePosition, sender is XmlReader reader ? ElementOf(reader) : null, e.Message));

    /// <summary>An attribute's error names no element: the reader is on the attribute, and its owner is not at hand.</summary>
    private static string? ElementOf(XmlReader reader) =>
        reader.NodeType is XmlNodeType.Element or XmlNodeType.EndElement ? reader.LocalName : null;
}
