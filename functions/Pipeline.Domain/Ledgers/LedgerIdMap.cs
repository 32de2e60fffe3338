using System.Numerics;
using System.Runtime.CompilerServices;

namespace Pipeline.Domain.Ledgers;

/// <summary>
/// A hash map from non-zero ledger ids to values, made for the ledger core's hot path, where a transfer looks up
/// two accounts and one transfer id in tables far larger than the CPU caches. <see cref="Dictionary{TKey,TValue}"/>
/// pays two dependent cache misses per lookup (the bucket, then the entry it points to); here the id is stored
/// next to its value in one array (open addressing, linear probing), so a lookup lands on its slot directly: one
/// miss. The table is kept at most three quarters full, which keeps probe runs short. Zero marks an empty slot,
/// which is why zero is never a key (the ledger refuses zero ids before it looks anything up).
/// </summary>
internal sealed class LedgerIdMap<TValue>
    where TValue : struct
{
    private const int MinimumSlots = 16;

    private Slot[] slots;
    private int version;

    /// <param name="capacity">How many ids the map should take without growing.</param>
    public LedgerIdMap(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        slots = new Slot[SlotsFor(capacity)];
    }

    public int Count { get; private set; }

    /// <summary>The values, in no particular order.</summary>
    public IEnumerable<TValue> Values
    {
        get
        {
            var expected = version;
            foreach (var slot in slots)
            {
                ThrowIfChanged(expected);
                if (!slot.Key.IsZero)
                {
                    yield return slot.Value;
                }
            }

            // A change while the last value was being handled is a change too (ids hash through the process's seeded hash: that value can be in the
            // last slot: the test of this once passed or failed by where the one key landed).
            ThrowIfChanged(expected);
        }
    }

    private void ThrowIfChanged(int expected)
    {
        if (version != expected)
        {
            throw new InvalidOperationException("The map changed while its values were enumerated.");
        }
    }

    /// <summary>The value stored under this id, or a null ref (<see cref="Unsafe.IsNullRef{T}(ref readonly T)"/>).</summary>
    public ref TValue Find(LedgerId id)
    {
        var index = IndexOf(id);
        return ref index < 0 ? ref Unsafe.NullRef<TValue>() : ref slots[index].Value;
    }

    /// <summary>
    /// The value stored under this id (<paramref name="exists"/>), or a new one, set to default, that the caller
    /// fills in. One probe does both. The ref is valid until the map next changes.
    /// </summary>
    public ref TValue FindOrAdd(LedgerId id, out bool exists)
    {
        if (id.IsZero)
        {
            throw new ArgumentException("Zero is not an id: it marks an empty slot.", nameof(id));
        }

        if (Count + 1 > MaximumLoad(slots.Length))
        {
            Grow();
        }

        var mask = slots.Length - 1;
        for (var i = Home(id, mask); ; i = (i + 1) & mask)
        {
            ref var slot = ref slots[i];
            if (slot.Key == id)
            {
                exists = true;
                return ref slot.Value;
            }

            if (slot.Key.IsZero)
            {
                slot.Key = id;
                Count++;
                version++;
                exists = false;
                return ref slot.Value;
            }
        }
    }

    /// <summary>Removes the id and its value; false if it was not there.</summary>
    public bool Remove(LedgerId id)
    {
        var hole = IndexOf(id);
        if (hole < 0)
        {
            return false;
        }

        // A lookup walks from an id's home slot to the first empty one, so the hole must not cut a later id off
        // from its home: each id further along the run moves back into the hole unless its home lies after it.
        var mask = slots.Length - 1;
        for (var next = (hole + 1) & mask; !slots[next].Key.IsZero; next = (next + 1) & mask)
        {
            var fromHome = (next - Home(slots[next].Key, mask)) & mask;
            if (fromHome >= ((next - hole) & mask))
            {
                slots[hole] = slots[next];
                hole = next;
            }
        }

        slots[hole] = default;
        Count--;
        version++;
        return true;
    }

    private int IndexOf(LedgerId id)
    {
        if (id.IsZero)
        {
            return -1;
        }

        var mask = slots.Length - 1;
        for (var i = Home(id, mask); ; i = (i + 1) & mask)
        {
            ref var slot = ref slots[i];
            if (slot.Key == id)
            {
                return i;
            }

            if (slot.Key.IsZero)
            {
                return -1;
            }
        }
    }

    private void Grow()
    {
        var old = slots;
        slots = new Slot[old.Length * 2];
        var mask = slots.Length - 1;
        foreach (var slot in old)
        {
            if (!slot.Key.IsZero)
            {
                var i = Home(slot.Key, mask);
                while (!slots[i].Key.IsZero)
                {
                    i = (i + 1) & mask;
                }

                slots[i] = slot;
            }
        }
    }

    private static int Home(LedgerId id, int mask) => id.GetHashCode() & mask;

    private static int MaximumLoad(int slotCount) => slotCount / 4 * 3;

    /// <summary>A power of two (so a hash maps to a slot with a mask) that holds the capacity within the maximum load.</summary>
    private static int SlotsFor(int capacity) =>
        checked((int)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(MinimumSlots, ((capacity * 4L) + 2) / 3)));

    private struct Slot
    {
        public LedgerId Key;
        public TValue Value;
    }
}
