using Pipeline.Application.Http;
using Pipeline.Application.Standards;

namespace Pipeline.Application.Collection.Statements;

/// <summary>The collection account's bank statements (docs/COLLECTION.md "Statements"): the platform operator imports them.</summary>
public static class StatementRoutes
{
    /// <summary>A statement file's largest size: 10,000 entries are about 10 MB.</summary>
    public const int BodyBytesMax = 32 * 1024 * 1024;

    public static readonly ApiRoute Import = new("ImportStatement", "POST", "v1/statements", Access.Admin,
        "Imports the collection account's ISO 20022 camt.053.001.08 statement (application/xml; up to 32 MiB; checked against the schema first): "
        + "every booked entry is matched to the ledger, unannounced credits booked through the matching ladder, the rest raised as exceptions. "
        + "The same statement again changes nothing.", ImportAsync, null, typeof(StatementsImported))
    {
        SuccessStatus = StatusCodes.Status200OK,
        BodyBytesMax = BodyBytesMax,
    };

    public static readonly ApiRoute Get = new("GetStatement", "GET", "v1/statements/{id}", Access.Admin,
        "An imported statement's report.", GetAsync, null, typeof(StatementReport));

    private static async Task<ApiResponse> ImportAsync(ApiRequest request)
    {
        if (!IsXml(request.Http.Request.ContentType))
        {
            return ApiResponse.Invalid(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "Send the statement as application/xml (or text/xml), UTF-8.");
        }

        using var stream = request.OpenBody();
        var read = Camt053.Read(stream, BodyBytesMax);
        if (!read.WellFormed)
        {
            return ApiResponse.Invalid(StatusCodes.Status400BadRequest, StatementErrors.MalformedXml,
                $"The file is not well-formed XML, or has a DTD (refused: no entities are expanded): {First(read.Errors)}.", ErrorsOf(read.Errors));
        }

        if (read.Errors.Count > 0)
        {
            return ApiResponse.Invalid(StatusCodes.Status422UnprocessableEntity, StatementErrors.StatementInvalid,
                $"The file is not a valid camt.053.001.08 statement: {First(read.Errors)}.", ErrorsOf(read.Errors));
        }

        var imports = request.Service<StatementImport>();
        var reports = new List<StatementReport>();
        foreach (var statement in read.Statements)
        {
            var (report, refusal) = await imports.ImportAsync(statement, request.Aborted);
            if (refusal is not null)
            {
                return ApiResponse.Problem(StatusCodes.Status409Conflict, StatementErrors.StatementConflict,
                    $"Statement {statement.StatementId} of message {statement.MessageId} was imported before with other entries; nothing of it changed now.");
            }

            reports.Add(report!);
        }

        return ApiResponse.Ok(new StatementsImported(reports));
    }

    private static async Task<ApiResponse> GetAsync(ApiRequest request)
    {
        var statement = await request.Service<StatementImport>().GetAsync(request.Route("id"), request.Aborted);
        return statement?.Report is { } report
            ? ApiResponse.Ok(report)
            : ApiResponse.Problem(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "No imported statement has this id.");
    }

    private static bool IsXml(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim() is var media
        && (media.Equals("application/xml", StringComparison.OrdinalIgnoreCase) || media.Equals("text/xml", StringComparison.OrdinalIgnoreCase));

    private static string First(IReadOnlyList<SchemaError> errors) => errors.Count == 0 ? "no detail" : errors[0].ToString();

    /// <summary>Each error by where it is ("line 12, element Amt"), as the problem's errors.</summary>
    private static Dictionary<string, string[]> ErrorsOf(IReadOnlyList<SchemaError> errors) =>
        errors.GroupBy(e => $"line {e.Line}, position {e.Position}" + (e.Element is null ? "" : $", element {e.Element}"))
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
}

/// <summary>Stable codes of statement refusals.</summary>
public static class StatementErrors
{
    public const string MalformedXml = "malformed_xml";
    public const string StatementInvalid = "statement_invalid";
    public const string StatementConflict = "statement_conflict";
}
