namespace Recovery.AuthServer.Security;

/// <summary>Opaque identifiers and bearer tokens: 128 or more random bits, base64url.</summary>
public static class Tokens
{
    public static string New(IRandomSource random, int bytes = 16)
    {
        Span<byte> buffer = stackalloc byte[bytes];
        random.Fill(buffer);
        return Convert.ToBase64String(buffer).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Shape check before any lookup, so junk never reaches storage.</summary>
    public static bool LooksValid(string? token, int minLength = 22, int maxLength = 64) =>
        token is not null && token.Length >= minLength && token.Length <= maxLength &&
        token.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_');
}
