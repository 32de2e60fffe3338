namespace Pipeline.Application.Ledger;

/// <summary>
/// Keeps the caller's own record of a charge (a payment) that its caller wrote into the ledger as a memo and then
/// died before storing. The ledger's recovery hands the memo over before it completes and forgets the charge, so
/// no charge is ever completed without its record. Must be idempotent: the record may already exist.
/// </summary>
public interface IChargeRecorder
{
    /// <returns>
    /// True when the record is kept (now or before). False when its id holds a different record — the caller's key
    /// went to another request — so the charge belongs to nobody: recovery then reverses it instead of completing it.
    /// </returns>
    Task<bool> RecordAsync(string memo, CancellationToken cancellationToken);
}
