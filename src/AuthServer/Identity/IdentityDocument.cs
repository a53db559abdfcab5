namespace Recovery.AuthServer.Identity;

/// <summary>
/// National identity documents: Spanish DNI (8 digits + check letter), NIE (X/Y/Z + 7 digits + letter)
/// or a passport number (6–12 letters and digits, no check possible).
/// </summary>
public static class IdentityDocument
{
    private const string CheckLetters = "TRWAGMYFPDXBNJZSQVHLCKE";

    /// <summary>Upper-case, without spaces, dots and dashes; null when it is not a valid document.</summary>
    public static string? Normalize(string? input)
    {
        if (input is null || input.Length > 32)
        {
            return null;
        }

        // One pass on the stack (every StartRecovery normalises one): separators dropped, upper-cased, ASCII letters
        // and digits only.
        Span<char> kept = stackalloc char[input.Length];
        var length = 0;
        foreach (var c in input)
        {
            if (c is ' ' or '-' or '.')
            {
                continue;
            }

            var upper = char.ToUpperInvariant(c);
            if (!char.IsAsciiLetterOrDigit(upper))
            {
                return null;
            }

            kept[length++] = upper;
        }

        if (length == 0)
        {
            return null;
        }

        var s = new string(kept[..length]);

        if (LooksLikeDni(s) || LooksLikeNie(s))
        {
            return HasValidCheckLetter(s) ? s : null;
        }

        // Eight digits alone is a DNI missing its letter, not a passport: asking for the letter beats
        // looking up a document that cannot match.
        if (s.Length == 8 && s.All(char.IsAsciiDigit))
        {
            return null;
        }

        // Passport: other shapes of letters and digits. Lengths from ICAO 9303 practice.
        return s.Length is >= 6 and <= 12 && s.Any(char.IsAsciiDigit) ? s : null;
    }

    /// <summary>The DNI of <paramref name="number"/> (0–99,999,999): eight digits and their check letter.</summary>
    public static string Dni(int number)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(number, 99_999_999);
        return number.ToString("D8", System.Globalization.CultureInfo.InvariantCulture) + CheckLetters[number % 23];
    }

    public static bool HasValidCheckLetter(string s)
    {
        string number;
        if (LooksLikeNie(s))
        {
            number = (s[0] switch { 'X' => '0', 'Y' => '1', _ => '2' }) + s[1..8];
        }
        else if (LooksLikeDni(s))
        {
            number = s[..8];
        }
        else
        {
            return false;
        }

        return CheckLetters[(int)(long.Parse(number, System.Globalization.CultureInfo.InvariantCulture) % 23)] == s[^1];
    }

    private static bool LooksLikeDni(string s) => s.Length == 9 && s[..8].All(char.IsAsciiDigit) && char.IsAsciiLetter(s[8]);

    private static bool LooksLikeNie(string s) =>
        s.Length == 9 && s[0] is 'X' or 'Y' or 'Z' && s[1..8].All(char.IsAsciiDigit) && char.IsAsciiLetter(s[8]);
}
