using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Recovery.V1;

namespace Recovery.Client;

/// <summary>
/// Solves an ALTCHA challenge (protocol v1, SHA-256) as the channel's widget would: finds n in
/// 0…max_number with SHA-256(salt + n) = challenge, and returns the payload StartRecovery's
/// <c>captcha_token</c> carries (base64 of JSON <c>{algorithm, challenge, number, salt, signature}</c>).
/// </summary>
public static class AltchaSolver
{
    /// <summary>The payload for <paramref name="challenge"/>, or null when no number up to max_number matches.</summary>
    public static string? Solve(CreateCaptchaChallengeResponse challenge, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        if (challenge.Algorithm != "SHA-256" || Number(challenge.Salt, challenge.Challenge, challenge.MaxNumber, cancellationToken) is not { } number)
        {
            return null;
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["algorithm"] = challenge.Algorithm,
            ["challenge"] = challenge.Challenge,
            ["number"] = number,
            ["salt"] = challenge.Salt,
            ["signature"] = challenge.Signature,
        });
        return Convert.ToBase64String(json);
    }

    private static long? Number(string salt, string challengeHex, long maxNumber, CancellationToken cancellationToken)
    {
        var target = Convert.FromHexString(challengeHex);
        var saltBytes = Encoding.UTF8.GetBytes(salt);
        var buffer = new byte[saltBytes.Length + 20];
        saltBytes.CopyTo(buffer, 0);
        Span<byte> hash = stackalloc byte[32];
        for (long n = 0; n <= maxNumber; n++)
        {
            if ((n & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            n.TryFormat(buffer.AsSpan(saltBytes.Length), out var digits, provider: CultureInfo.InvariantCulture);
            SHA256.HashData(buffer.AsSpan(0, saltBytes.Length + digits), hash);
            if (hash.SequenceEqual(target))
            {
                return n;
            }
        }

        return null;
    }
}
