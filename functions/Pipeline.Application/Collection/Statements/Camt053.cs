using System.Xml;
using Pipeline.Application.Standards;

namespace Pipeline.Application.Collection.Statements;

/// <summary>
/// Reads the statements banks send, ISO 20022 camt.053.001.08 (BkToCstmrStmt), in one streaming pass that validates
/// against the schema as it reads: a file of tens of megabytes is never held whole, only the entries taken from it.
/// A file is hostile until read: no DTD (so no entity is ever expanded), no resolver, a bound on its characters and
/// on the errors reported. Anything wrong — the XML, the schema, an amount the platform cannot hold — answers the
/// errors and no statement, and never an exception.
/// </summary>
public static class Camt053
{
    public const string Namespace = Camt053Xml.NamespaceName;

    /// <summary>Document is depth 0 and BkToCstmrStmt 1; GrpHdr and each Stmt are at 2.</summary>
    private const int MessagePartDepth = 2;

    /// <summary>Id, Acct, Bal, Ntry and the other parts of a Stmt.</summary>
    private const int StatementPartDepth = 3;

    public static Iso20022Schema Schema { get; } = new("camt.053.001.08.xsd");

    /// <summary>Every statement of <paramref name="xml"/>, or the errors: see <see cref="StatementRead"/>.</summary>
    /// <param name="xml">Read once, as it comes, and left open.</param>
    /// <param name="maxCharacters">Longer documents are refused; at most <see cref="Iso20022Schema.DefaultMaxCharacters"/> unless the caller bounds it otherwise.</param>
    public static StatementRead Read(Stream xml, long maxCharacters = Iso20022Schema.DefaultMaxCharacters)
    {
        using var reading = Schema.Open(xml, maxCharacters);
        var statements = new List<BankStatement>();
        reading.Run(() => ReadMessage(reading, statements));
        return reading.HasErrors
            ? new StatementRead([], reading.Errors, reading.WellFormed)
            : new StatementRead(statements, [], WellFormed: true);
    }

    /// <summary>
    /// Walks the document node by node; the parts the platform takes values from (the group header, a statement's
    /// heading, one entry) are loaded one at a time, after the validator has passed them. Once an error is found
    /// nothing more is loaded: the rest is only validated, for the errors.
    /// </summary>
    private static void ReadMessage(SchemaReading reading, List<BankStatement> statements)
    {
        var reader = reading.Reader;
        Camt053Header? header = null;
        Camt053Statement? statement = null;
        while (reading.Read())
        {
            if (reading.HasErrors || reader.NamespaceURI != Namespace)
            {
                continue;
            }

            switch (reader.NodeType, reader.Depth, reader.LocalName)
            {
                case (XmlNodeType.Element, MessagePartDepth, "GrpHdr"):
                    header = reading.LoadValidElement() is { } headerPart ? Camt053Header.Of(headerPart, reading) : null;
                    break;
                case (XmlNodeType.Element, MessagePartDepth, "Stmt") when header is not null:
                    statement = new Camt053Statement(header, reading);
                    break;
                case (XmlNodeType.Element, StatementPartDepth, var name) when statement is not null && Camt053Statement.Reads(name):
                    if (reading.LoadValidElement() is { } part)
                    {
                        statement.Add(part);
                    }

                    break;
                case (XmlNodeType.EndElement, MessagePartDepth, "Stmt"):
                    if (statement?.Build() is { } built)
                    {
                        statements.Add(built);
                    }

                    statement = null;
                    break;
            }
        }
    }
}
