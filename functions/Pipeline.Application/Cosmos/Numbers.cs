using System.Globalization;

namespace Pipeline.Application.Cosmos;

/// <summary>
/// Numbers in query text. Query parameters go through the document serializer, which writes numbers as strings
/// (see <see cref="CosmosJson"/>), and a string never compares with a number; so numeric bounds, which are
/// computed by the code and never come from a caller, are written into the query as literals.
/// </summary>
public static class Numbers
{
    public static string Literal(long value) => value.ToString(CultureInfo.InvariantCulture);
}
