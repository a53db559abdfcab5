using System.Globalization;
using System.Text;

namespace Recovery.AuthServer.Passwords.Strength;

internal static class TextFold
{
    /// <summary>Lower case without diacritics, so "José" and "jose" and "JOSÉ" are the same word.</summary>
    public static string Fold(string s)
    {
        var decomposed = s.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(char.ToLowerInvariant(c));
            }
        }

        return sb.ToString();
    }
}
