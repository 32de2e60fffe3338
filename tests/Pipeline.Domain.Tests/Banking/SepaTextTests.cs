using Pipeline.Domain.Banking;

namespace Pipeline.Domain.Tests.Banking;

public sealed class SepaTextTests
{
    private const string SepaCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ";

    [Theory]
    [InlineData("Plain Name Ltd.", "Plain Name Ltd.")]
    [InlineData("Émile Zoë Ångström", "Emile Zoe Angstrom")]
    [InlineData("Müller & Söhne GmbH", "Muller + Sohne GmbH")]
    [InlineData("Straße", "Strasse")]
    [InlineData("Łódź Żółć", "Lodz Zolc")]
    [InlineData("Ærø Œuvre Þór", "AEro OEuvre THor")]
    [InlineData("Ștefan Țurcanu", "Stefan Turcanu")]
    [InlineData("Cafe\u0301 Noe\u0308l", "Cafe Noel")] // decomposed accents are dropped
    [InlineData("<b>Bold</b> & \"quoted\"", "b Bold /b + 'quoted'")]
    [InlineData("Pay 😀 now – “thanks”", "Pay now - 'thanks'")]
    [InlineData("  Tabs\tand\nnew lines  ", "Tabs and new lines")]
    [InlineData("O'Brien (Invoice 42/7): +1,5?", "O'Brien (Invoice 42/7): +1,5?")]
    [InlineData("Ελληνικά", "")]
    [InlineData("😀😀", "")]
    public void Text_is_transliterated_into_the_sepa_character_set(string text, string expected) =>
        Assert.Equal(expected, SepaText.Transliterate(text, 140));

    [Fact]
    public void Text_is_cut_to_the_length_without_a_trailing_space()
    {
        Assert.Equal("abcd", SepaText.Transliterate("abcd efgh", 5));
        Assert.Equal("Stras", SepaText.Transliterate("Straße", 5));
        Assert.Equal(new string('s', 70), SepaText.Transliterate(new string('ß', 100), 70));
    }

    [Fact]
    public void Every_character_of_a_long_hostile_text_is_in_the_set()
    {
        var hostile = string.Concat(Enumerable.Range(0, 0x3000).Select(i => (char)i).Where(c => !char.IsSurrogate(c)));
        for (var start = 0; start < hostile.Length; start += 100)
        {
            var written = SepaText.Transliterate(hostile.Substring(start, Math.Min(100, hostile.Length - start)), 70);
            Assert.True(written.Length <= 70);
            Assert.All(written, c => Assert.Contains(c, SepaCharacters));
            Assert.DoesNotContain("  ", written, StringComparison.Ordinal);
            Assert.Equal(written.Trim(), written);
        }
    }

    [Theory]
    [InlineData("MSG-2026-01-05-0001")]
    [InlineData("pay-01HZX3.abc")]
    [InlineData("A")]
    [InlineData("a/b:c?d(e)f,g'h+i")]
    [InlineData("12345678901234567890123456789012345")]
    public void Identifiers_in_the_set_are_accepted(string id) => Assert.True(SepaText.IsIdentifier(id));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("123456789012345678901234567890123456")] // 36
    [InlineData("/leading")]
    [InlineData("trailing/")]
    [InlineData("double//slash")]
    [InlineData("with space")]
    [InlineData("pay_01HZX3")] // the platform's own ids must be mapped: "_" is not in the set
    [InlineData("café")]
    [InlineData("a&b")]
    public void Identifiers_outside_the_epc_rule_are_refused(string? id) => Assert.False(SepaText.IsIdentifier(id));
}
