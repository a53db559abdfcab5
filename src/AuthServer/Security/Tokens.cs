using System.Buffers;
using System.Buffers.Text;

namespace Recovery.AuthServer.Security;

/// <summary>Opaque identifiers and bearer tokens: 128 or more random bits, base64url.</summary>
public static class Tokens
{
    private static readonly SearchValues<char> Alphabet = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public static string New(IRandomSource random, int bytes = 16)
    {
        Span<byte> buffer = stackalloc byte[bytes];
        random.Fill(buffer);

        // RFC 4648 base64url without padding, in one string (every StartRecovery mints at least one id).
        return Base64Url.EncodeToString(buffer);
    }

    /// <summary>Shape check before any lookup, so junk never reaches storage.</summary>
    public static bool LooksValid(string? token, int minLength = 22, int maxLength = 64) =>
        token is not null && token.Length >= minLength && token.Length <= maxLength &&
        !token.AsSpan().ContainsAnyExcept(Alphabet);
}
