using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Pipeline.Domain.Ledgers;

/// <summary>
/// The ledger's transfers: the records in the order they were applied, and an index from id to position.
/// Why not the records in the map itself: a new id probes the map, and with ~160-byte records in its slots the
/// map would span hundreds of MB, each probe a cache and TLB miss. The index's slots are 24 bytes; the records
/// are only appended, which the CPU streams.
/// </summary>
internal sealed class TransferTable(int capacity)
{
    private readonly LedgerIdMap<int> positions = new(capacity);
    private readonly List<TransferRecord> records = new(capacity);

    public int Count => records.Count;

    public IEnumerable<TransferRecord> Records => records;

    /// <summary>The record with this id, or a null ref (<see cref="Unsafe.IsNullRef{T}(ref readonly T)"/>).</summary>
    public ref TransferRecord Find(LedgerId id)
    {
        ref var position = ref positions.Find(id);
        return ref Unsafe.IsNullRef(ref position) ? ref Unsafe.NullRef<TransferRecord>() : ref RecordAt(position);
    }

    /// <summary>
    /// The record with this id if there is one (<paramref name="exists"/>), else a new, empty record at the end
    /// that the caller fills in or gives back with <see cref="RemoveNewest"/>. One probe of the index does both.
    /// </summary>
    public ref TransferRecord FindOrAdd(LedgerId id, out bool exists)
    {
        // Room for the record first: growing may throw (out of memory), and it must do so before the id is in the
        // index, or the id would point at the next transfer's record.
        if (records.Count == records.Capacity)
        {
            records.EnsureCapacity(records.Count + 1);
        }

        ref var position = ref positions.FindOrAdd(id, out exists);
        if (exists)
        {
            return ref RecordAt(position);
        }

        position = records.Count;
        CollectionsMarshal.SetCount(records, position + 1);
        ref var record = ref RecordAt(position);
        record = default; // SetCount leaves what a record taken out left there
        return ref record;
    }

    /// <summary>Takes out the newest record, whose id this is: a refused transfer, or a chain being rolled back.</summary>
    public void RemoveNewest(LedgerId id)
    {
        ref var position = ref positions.Find(id);
        if (Unsafe.IsNullRef(ref position) || position != records.Count - 1)
        {
            throw new InvalidOperationException("Ledger invariant broken: only the newest transfer can be taken out.");
        }

        CollectionsMarshal.SetCount(records, position);
        positions.Remove(id);
    }

    private ref TransferRecord RecordAt(int position) => ref CollectionsMarshal.AsSpan(records)[position];
}
