using System.Globalization;
using System.Text;

namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>
/// The GSM 03.38 default alphabet (and its extension table): a text made only of these goes as 7-bit (160 characters a
/// segment, 153 each beyond); anything else needs UCS-2 (70 a segment, 67 each beyond), which is why the Spanish SMS
/// texts are written without á, í, ó, ú (docs/notifications.md).
/// </summary>
public static class Gsm7
{
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    // Each of these takes two septets (an escape and the character).
    private const string Extension = "^{}\\[~]|€\f";

    public static bool CanEncode(string text) => text.All(IsInAlphabet);

    /// <summary>How many SMS segments <paramref name="text"/> takes (7-bit when it can, UCS-2 otherwise).</summary>
    public static int Segments(string text)
    {
        if (CanEncode(text))
        {
            var septets = text.Sum(c => Extension.Contains(c, StringComparison.Ordinal) ? 2 : 1);
            return septets <= 160 ? 1 : (septets + 152) / 153;
        }

        // UTF-16 code units: a character outside the BMP takes two.
        return text.Length <= 70 ? 1 : (text.Length + 66) / 67;
    }

    /// <summary>
    /// <paramref name="text"/> with each character outside the alphabet replaced by its base letter (ó → o, Í → I) or,
    /// when it has none, by '?'. The <c>gsm7</c> filter of the SMS templates.
    /// </summary>
    public static string Transliterate(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (IsInAlphabet(c))
            {
                result.Append(c);
                continue;
            }

            var decomposed = c.ToString().Normalize(NormalizationForm.FormD);
            var letter = decomposed.FirstOrDefault(d => CharUnicodeInfo.GetUnicodeCategory(d) != UnicodeCategory.NonSpacingMark);
            result.Append(letter != default && Basic.Contains(letter, StringComparison.Ordinal) ? letter : '?');
        }

        return result.ToString();
    }

    private static bool IsInAlphabet(char c) => Basic.Contains(c, StringComparison.Ordinal) || Extension.Contains(c, StringComparison.Ordinal);
}
