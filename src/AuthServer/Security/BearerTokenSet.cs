using System.Security.Cryptography;
using System.Text;

namespace Recovery.AuthServer.Security;

/// <summary>
/// Configured bearer tokens, each with the name of who holds it (a channel, "admin"), matched in
/// constant time: every token is compared, with no early exit, so the time taken says nothing about
/// which token (or how much of one) matched.
/// </summary>
public sealed class BearerTokenSet
{
    // SHA-256 of each token: equal-length values for FixedTimeEquals, whatever length was presented.
    private readonly (byte[] Digest, string Holder)[] entries;

    public BearerTokenSet(IEnumerable<(string Holder, string Token)> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        entries = [.. tokens.Select(t => (Digest(t.Token), t.Holder))];
    }

    /// <summary>True when no token is configured.</summary>
    public bool IsEmpty => entries.Length == 0;

    /// <summary>The holder of <paramref name="presented"/>, or null when it matches no configured token.</summary>
    public string? Match(string? presented)
    {
        if (presented is null)
        {
            return null;
        }

        var digest = Digest(presented);
        string? holder = null;
        foreach (var entry in entries)
        {
            var equal = CryptographicOperations.FixedTimeEquals(digest, entry.Digest);
            holder = equal ? entry.Holder : holder;
        }

        return holder;
    }

    private static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
