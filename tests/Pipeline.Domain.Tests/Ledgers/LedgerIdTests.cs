using Pipeline.Domain.Ledgers;

namespace Pipeline.Domain.Tests.Ledgers;

public sealed class LedgerIdTests
{
    [Fact]
    public void Ids_from_the_same_name_are_equal_and_from_different_names_differ()
    {
        Assert.Equal(LedgerId.FromName("payment:1:capture"), LedgerId.FromName("payment:1:capture"));
        Assert.NotEqual(LedgerId.FromName("payment:1:capture"), LedgerId.FromName("payment:2:capture"));
        Assert.False(LedgerId.FromName("x").IsZero);
    }

    [Fact]
    public void The_text_form_round_trips_and_is_strict()
    {
        var id = LedgerId.Random(new Random(7));
        var text = id.ToString();

        Assert.Equal(32, text.Length);
        Assert.True(LedgerId.TryParse(text, out var parsed));
        Assert.Equal(id, parsed);
        Assert.False(LedgerId.TryParse(text.ToUpperInvariant(), out _));
        Assert.False(LedgerId.TryParse(text[1..], out _));
        Assert.False(LedgerId.TryParse("g" + text[1..], out _));
        Assert.False(LedgerId.TryParse(null, out _));
        Assert.False(LedgerId.TryParse(text[1..] + "\0", out _)); // the number parser would take a trailing NUL
        Assert.False(LedgerId.TryParse(" " + text[1..], out _));
    }

    [Fact]
    public void An_id_keeps_its_value_and_order_and_equal_ids_hash_alike()
    {
        UInt128[] values = [0, 1, ulong.MaxValue, (UInt128)ulong.MaxValue + 1, UInt128.MaxValue, new(0x0123456789abcdef, 0xfedcba9876543210)];
        foreach (var value in values)
        {
            var id = new LedgerId(value);
            Assert.Equal(value, id.Value);
            Assert.Equal(new LedgerId(value).GetHashCode(), id.GetHashCode());
            Assert.Equal(value == 0, id.IsZero);
            foreach (var other in values)
            {
                Assert.Equal(value.CompareTo(other), id.CompareTo(new LedgerId(other)));
                Assert.Equal(value == other, id == new LedgerId(other));
            }
        }
    }

    [Fact]
    public void Reserved_ids_are_only_made_on_purpose()
    {
        var reserved = LedgerId.Reserved("charge:pay_1");
        Assert.True(reserved.IsReserved);
        Assert.Equal("ff", reserved.ToString()[..2]);
        Assert.NotEqual(reserved, LedgerId.Reserved("charge:pay_2"));

        // FromName and Random never land in the reserved range, even where the hash starts with 0xFF (1 in 256 names).
        var names = Enumerable.Range(0, 5_000).Select(i => $"name:{i}").ToList();
        // Where the hash starts with 0xFF, Reserved is the hash itself and FromName the hash with its top bit cleared.
        Assert.Contains(names, n => (LedgerId.FromName(n).Value | ((UInt128)1 << 127)) == LedgerId.Reserved(n).Value);
        Assert.DoesNotContain(names, n => LedgerId.FromName(n).IsReserved);
        var random = new Random(11);
        Assert.DoesNotContain(Enumerable.Range(0, 5_000), _ => LedgerId.Random(random).IsReserved);
    }
}
