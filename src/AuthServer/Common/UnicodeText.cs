using System.Text;

namespace Recovery.AuthServer.Common;

/// <summary>
/// Whether a text can go through Unicode normalisation. <see cref="string.Normalize()"/> throws on
/// malformed UTF-16 and on some code points (U+FFFE with ICU, for one); a request field that reaches it
/// would end as INTERNAL with a stack trace, and a password would behave differently for customers with
/// and without a stored hash. Such text is refused at the door instead, as a bad field.
/// </summary>
public static class UnicodeText
{
    /// <summary>
    /// True when <paramref name="text"/> is well-formed UTF-16, holds no Unicode noncharacter
    /// (U+FDD0–U+FDEF and the last two code points of every plane: never meant for interchange, and
    /// U+FFFF is one an ICU update could start refusing like U+FFFE), and normalises to NFKC and NFD.
    /// </summary>
    public static bool CanNormalize(string text)
    {
        var plain = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x80)
            {
                continue;
            }

            plain = false;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                if (IsNoncharacter(char.ConvertToUtf32(c, text[i + 1])))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c) || IsNoncharacter(c))
            {
                return false;
            }
        }

        if (plain)
        {
            return true;
        }

        // The checks above are the known cases; this one keeps the promise for any other the platform's
        // normaliser refuses (its list is ICU's, not ours).
        try
        {
            _ = text.Normalize(NormalizationForm.FormKC);
            _ = text.Normalize(NormalizationForm.FormD);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool IsNoncharacter(int codePoint) =>
        codePoint is >= 0xFDD0 and <= 0xFDEF || (codePoint & 0xFFFE) == 0xFFFE;
}
