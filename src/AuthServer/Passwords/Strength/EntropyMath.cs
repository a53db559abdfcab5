namespace Recovery.AuthServer.Passwords.Strength;

/// <summary>
/// zxcvbn-core 1.1.17's scoring arithmetic (PasswordScoring), the same operations in the same order so
/// that a password gets the same entropy to the last bit, on spans and without regular expressions.
/// </summary>
internal static class EntropyMath
{
    /// <summary>n choose k, computed as zxcvbn-core does (64-bit, wrapping on overflow like its unchecked code).</summary>
    public static long Binomial(int n, int k)
    {
        if (k > n)
        {
            return 0;
        }

        if (k == 0)
        {
            return 1;
        }

        long result = 1;
        unchecked
        {
            for (var i = 1; i <= k; i++)
            {
                result *= n;
                result /= i;
                n--;
            }
        }

        return result;
    }

    /// <summary>The size of the alphabet a brute-force guesser needs for <paramref name="text"/>: lower, upper, digits, ASCII symbols, anything else.</summary>
    public static int Cardinality(ReadOnlySpan<char> text)
    {
        bool lower = false, upper = false, digit = false, symbol = false, other = false;
        foreach (var c in text)
        {
            if (c is >= 'a' and <= 'z')
            {
                lower = true;
            }
            else if (c is >= 'A' and <= 'Z')
            {
                upper = true;
            }
            else if (c is >= '0' and <= '9')
            {
                digit = true;
            }
            else if (c <= '\u007f')
            {
                symbol = true;
            }
            else
            {
                other = true;
            }
        }

        return (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (symbol ? 33 : 0) + (other ? 100 : 0);
    }

    /// <summary>
    /// The bits that capitals add to a word: none when there are none, one when the first or the last
    /// letter alone is a capital or when there is no lower-case letter, otherwise the log of the ways to
    /// place that many capitals (only ASCII letters count, as in zxcvbn-core's regular expressions).
    /// </summary>
    public static double UppercaseEntropy(ReadOnlySpan<char> word)
    {
        int uppers = 0, lowers = 0;
        foreach (var c in word)
        {
            if (IsUpper(c))
            {
                uppers++;
            }
            else if (c is >= 'a' and <= 'z')
            {
                lowers++;
            }
        }

        if (uppers == 0)
        {
            return 0.0; // ^[^A-Z]+$
        }

        if (lowers == 0 || OnlyFirstIsUpper(word) || OnlyLastIsUpper(word) || (word.Length > 1 && word[^1] == '\n' && OnlyLastIsUpper(word[..^1])))
        {
            // ^[^a-z]+$, ^[A-Z][^A-Z]+$, ^[^A-Z]+[A-Z]$ (.NET's '$' also matches before a final '\n').
            return 1.0;
        }

        long ways = 0;
        for (var i = 0; i <= Math.Min(uppers, lowers); i++)
        {
            ways += Binomial(uppers + lowers, i);
        }

        return Math.Log(ways, 2.0);
    }

    /// <summary>zxcvbn-core's score (0–4) from the entropy: the seconds to crack at 10,000 guesses a second, half the space on average.</summary>
    public static int Score(double entropy)
    {
        var crackTimeSeconds = 0.5 * Math.Pow(2.0, entropy) * 0.0001;
        if (crackTimeSeconds < Math.Pow(10.0, 2.0))
        {
            return 0;
        }

        if (crackTimeSeconds < Math.Pow(10.0, 4.0))
        {
            return 1;
        }

        if (crackTimeSeconds < Math.Pow(10.0, 6.0))
        {
            return 2;
        }

        return crackTimeSeconds < Math.Pow(10.0, 8.0) ? 3 : 4;
    }

    private static bool IsUpper(char c) => c is >= 'A' and <= 'Z';

    private static bool OnlyFirstIsUpper(ReadOnlySpan<char> word) =>
        word.Length >= 2 && IsUpper(word[0]) && !ContainsUpper(word[1..]);

    private static bool OnlyLastIsUpper(ReadOnlySpan<char> word) =>
        word.Length >= 2 && IsUpper(word[^1]) && !ContainsUpper(word[..^1]);

    private static bool ContainsUpper(ReadOnlySpan<char> text) => text.ContainsAnyInRange('A', 'Z');
}
