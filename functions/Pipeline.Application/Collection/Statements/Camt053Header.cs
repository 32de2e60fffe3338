using System.Xml.Linq;
using Pipeline.Application.Standards;

namespace Pipeline.Application.Collection.Statements;

/// <summary>GrpHdr: what every statement of the file shares.</summary>
internal sealed record Camt053Header(string MessageId, DateTimeOffset CreatedAt)
{
    /// <summary>Null after an error (reported to <paramref name="reading"/>).</summary>
    public static Camt053Header? Of(XElement header, SchemaReading reading) =>
        header.Find("MsgId") is { } messageId && header.Find("CreDtTm") is { } created && Camt053Xml.DateTimeOf(created, reading) is { } createdAt
            ? new Camt053Header(messageId.Value, createdAt)
            : null;
}
