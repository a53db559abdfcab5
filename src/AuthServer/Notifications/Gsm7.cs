using System.Globalization;
using System.Text;

namespace Recovery.AuthServer.Notifications;

/// <summary>
/// The GSM 03.38 default alphabet that SMS use: a text entirely in it fits 160 characters in one
/// segment (153 per part beyond); one character outside it turns the whole SMS into UCS-2 (70, then
/// 67 per part), which is why the Spanish SMS texts are written without á, í, ó, ú.
/// </summary>
public static class Gsm7
{
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    // Each of these takes two septets (an escape and the character).
    private const string Extension = "^{}\\[~]|€\f";

    public static bool IsGsm7(string text) => text.All(c => Basic.Contains(c, StringComparison.Ordinal) || Extension.Contains(c, StringComparison.Ordinal));

    /// <summary>How many SMS segments <paramref name="text"/> takes (GSM-7 when it can, UCS-2 otherwise).</summary>
    public static int Segments(string text)
    {
        if (IsGsm7(text))
        {
            var septets = text.Sum(c => Extension.Contains(c, StringComparison.Ordinal) ? 2 : 1);
            return septets <= 160 ? 1 : (septets + 152) / 153;
        }

        // UTF-16 code units: a character outside the BMP takes two.
        return text.Length <= 70 ? 1 : (text.Length + 66) / 67;
    }

    /// <summary>
    /// <paramref name="text"/> with each character outside the alphabet replaced by its base letter
    /// (ó → o, Í → I) or, when it has none, by '?'. The <c>gsm7</c> filter of the SMS templates.
    /// </summary>
    public static string Transliterate(string text)
    {
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (Basic.Contains(c, StringComparison.Ordinal) || Extension.Contains(c, StringComparison.Ordinal))
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
}
