using Pipeline.Application.Standards;

namespace Pipeline.Application.Collection.Statements;

/// <summary>
/// What reading a camt.053 file gave: every statement, or — when anything is wrong — the errors and no statement,
/// so a file is taken whole or not at all.
/// </summary>
/// <param name="Errors">At most <see cref="Iso20022Schema.MaxErrors"/>, each with the line, position and element where known.</param>
/// <param name="WellFormed">
/// False when reading stopped on the XML itself (not well-formed, a DTD, longer than allowed): the file is not XML
/// the platform reads, rather than a statement that breaks the rules.
/// </param>
public sealed record StatementRead(IReadOnlyList<BankStatement> Statements, IReadOnlyList<SchemaError> Errors, bool WellFormed);
