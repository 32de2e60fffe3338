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
}
