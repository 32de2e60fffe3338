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
    public void Rollback(Dictionary<LedgerId, Account> accounts, Dictionary<LedgerId, TransferRecord> transfers)
    {
        for (var i = transfersBefore.Count - 1; i >= 0; i--)
        {
            transfers[transfersBefore[i].Request.Id] = transfersBefore[i];
        }

        for (var i = accountsBefore.Count - 1; i >= 0; i--)
        {
            accounts[accountsBefore[i].Id] = accountsBefore[i];
        }

        foreach (var id in addedTransfers)
        {
            transfers.Remove(id);
        }

        Clear();
    }
}
