using System.Text;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.UnitTests.Common;

public class UnicodeTextTests
{
    // Lone surrogates survive neither attribute data nor xUnit's serialised theory data, hence one fact over a list.
    private static readonly string[] Refused =
    [
        "a\uFFFEb",
        "a\uFFFFb",
        "a\uFDD0b",
        "a\uD83F\uDFFEb", // U+1FFFE, a noncharacter outside the first plane
        "a\uD800b", // lone high surrogate
        "a\uDC00", // lone low surrogate
        "\uD800",
        "\uDC00\uD800", // the pair in the wrong order
    ];

    [Fact]
    public void CanNormalize_NoncharacterOrLoneSurrogate_False() =>
        Assert.All(Refused, text => Assert.False(UnicodeText.CanNormalize(text), Convert.ToHexString(Encoding.Unicode.GetBytes(text))));

    [Theory]
    [InlineData("")]
    [InlineData("Girasol%Norte58")]
    [InlineData("MARÍA GARCÍA LÓPEZ")]
    [InlineData("ﬁ ① 😀 \u200F\u202E עברית")]
    [InlineData("x\u0000y")]
    public void CanNormalize_WellFormedText_TrueAndNormalizeDoesNotThrow(string text)
    {
        Assert.True(UnicodeText.CanNormalize(text));
        _ = text.Normalize(NormalizationForm.FormKC);
        _ = text.Normalize(NormalizationForm.FormD);
    }

    [Fact]
    public void CanNormalize_TextThePlatformRefusesToNormalize_False()
    {
        // The promise is "no text that makes Normalize throw passes": check it over the whole first plane.
        for (var c = 0x80; c <= 0xFFFF; c++)
        {
            var text = "a" + (char)c + "b";
            var throws = false;
            try
            {
                _ = text.Normalize(NormalizationForm.FormKC);
                _ = text.Normalize(NormalizationForm.FormD);
            }
            catch (ArgumentException)
            {
                throws = true;
            }

            Assert.False(throws && UnicodeText.CanNormalize(text), $"U+{c:X4} passes but cannot be normalised");
        }
    }
}
