namespace Pipeline.Application.Collection.Statements;

/// <summary>What the entries of a statement take from it: their fallbacks for an id, an account and a date.</summary>
internal sealed record Camt053Heading(string StatementId, string AccountIban, DateOnly CreatedOn);
