namespace Pipeline.Domain.Ledgers;

/// <summary>
/// What a linked chain changed so far, so a failing link can put everything back: the chain applies all or
/// nothing. Only chains use it; a single transfer validates everything before it writes anything.
/// </summary>
internal sealed class UndoLog
{
    private readonly List<Account> accountsBefore = [];
    private readonly List<TransferRecord> transfersBefore = [];
    private readonly List<LedgerId> addedTransfers = [];

    public void Clear()
    {
        accountsBefore.Clear();
        transfersBefore.Clear();
        addedTransfers.Clear();
    }

    public void SaveAccount(in Account before) => accountsBefore.Add(before);

    public void SaveTransfer(in TransferRecord before) => transfersBefore.Add(before);

    public void TransferAdded(LedgerId id) => addedTransfers.Add(id);

    /// <summary>Restores the oldest saved copies (walking backwards) and removes what the chain added.</summary>
    public void Rollback(LedgerIdMap<Account> accounts, TransferTable transfers)
    {
        for (var i = transfersBefore.Count - 1; i >= 0; i--)
        {
            transfers.Find(transfersBefore[i].Request.Id) = transfersBefore[i];
        }

        for (var i = accountsBefore.Count - 1; i >= 0; i--)
        {
            accounts.Find(accountsBefore[i].Id) = accountsBefore[i];
        }

        // The chain's transfers are the newest, appended in order: take them out newest first.
        for (var i = addedTransfers.Count - 1; i >= 0; i--)
        {
            transfers.RemoveNewest(addedTransfers[i]);
        }

        Clear();
    }
}
