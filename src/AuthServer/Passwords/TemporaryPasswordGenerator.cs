using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Passwords;

/// <summary>
/// Temporary passwords read aloud or typed from an SMS: 12 characters with upper and lower case,
/// digits and a symbol (meets the policy), none that look alike (0/O/o, 1/l/I, 5/S, 2/Z, 8/B).
/// 12 characters over this alphabet give about 69 bits, which is why a keyed hash is enough to
/// store it and Argon2 would add nothing.
/// </summary>
public sealed class TemporaryPasswordGenerator(IRandomSource random)
{
    public const string Upper = "ACDEFGHJKLMNPQRTUVWXY";
    public const string Lower = "abcdefghijkmnpqrstuvwxyz";
    public const string Digits = "34679";
    public const string Symbols = "#%+=?@";
    public const int Length = 12;

    private const string All = Upper + Lower + Digits + Symbols;

    public string Next()
    {
        Span<char> chars = stackalloc char[Length];
        chars[0] = Pick(Upper);
        chars[1] = Pick(Lower);
        chars[2] = Pick(Digits);
        chars[3] = Pick(Symbols);
        for (var i = 4; i < Length; i++)
        {
            chars[i] = Pick(All);
        }

        // Fisher-Yates, so the guaranteed classes are not at fixed positions.
        for (var i = Length - 1; i > 0; i--)
        {
            var j = random.NextInt32(i + 1);
            (chars[i], chars[j]) = (chars[j], chars[i]);
        }

        return new string(chars);
    }

    private char Pick(string alphabet) => alphabet[random.NextInt32(alphabet.Length)];
}
