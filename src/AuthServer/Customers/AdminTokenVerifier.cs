using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Customers;

/// <summary>Checks a presented admin token against <see cref="DirectoryOptions.AdminTokens"/> in constant time.</summary>
public sealed class AdminTokenVerifier
{
    // SHA-256 of each token: equal-length values for FixedTimeEquals, whatever length was presented.
    private readonly byte[][] digests;

    public AdminTokenVerifier(IOptions<DirectoryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        digests = [.. options.Value.AdminTokens.Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t)))];
    }

    /// <summary>False when no token is configured: the directory is then closed to everyone.</summary>
    public bool IsConfigured => digests.Length > 0;

    public bool Verify(string? presented)
    {
        if (presented is null)
        {
            return false;
        }

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));

        // Every configured token is compared, with no early exit, so the time taken says nothing about
        // which token (or how much of one) matched.
        var match = false;
        foreach (var expected in digests)
        {
            match |= CryptographicOperations.FixedTimeEquals(digest, expected);
        }

        return match;
    }
}
