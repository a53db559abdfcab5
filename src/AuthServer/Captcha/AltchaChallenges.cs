using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Captcha;

/// <summary>
/// The ALTCHA protocol (v1, SHA-256): issues HMAC-signed proof-of-work challenges and checks solutions.
/// A challenge is <c>SHA-256(salt + number)</c> for a secret number in 0…maxnumber; the signature is
/// <c>HMAC-SHA256(key, challenge)</c>, so the server keeps no state until a solution comes back.
/// </summary>
public sealed class AltchaChallenges(IOptions<CaptchaOptions> options, IRandomSource random, TimeProvider time)
{
    public const string Algorithm = "SHA-256";

    private readonly bool offered = options.Value.Provider == CaptchaProviders.Altcha;
    private readonly AltchaOptions altcha = options.Value.Altcha;
    private readonly byte[] hmacKey = Encoding.UTF8.GetBytes(options.Value.Altcha.HmacKey);

    /// <summary>A new challenge, when this server runs the self-hosted captcha.</summary>
    public Outcome<AltchaChallenge> Issue() =>
        offered
            ? Create()
            : new Failure(FailureKind.FailedPrecondition, ErrorReasons.CaptchaChallengeNotOffered,
                "This server's captcha provider does not issue challenges; use the widget of the configured provider.");

    public AltchaChallenge Create()
    {
        var expiresAt = time.GetUtcNow() + altcha.ChallengeLifetime;
        Span<byte> saltBytes = stackalloc byte[12];
        random.Fill(saltBytes);

        // The trailing '&' is ALTCHA's delimiter: without it, digits of the number could be moved into the
        // salt's expires (same salt + number string, a later expiry). Verify insists on it.
        var salt = $"{Convert.ToHexStringLower(saltBytes)}?expires={expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}&";
        var number = random.NextInt32(altcha.MaxNumber + 1);
        var challenge = Sha256Hex(salt + number.ToString(CultureInfo.InvariantCulture));
        return new AltchaChallenge(Algorithm, challenge, altcha.MaxNumber, salt, Sign(challenge), DateTimeOffset.FromUnixTimeSeconds(expiresAt.ToUnixTimeSeconds()));
    }

    /// <summary>
    /// Checks a widget payload (base64 of JSON <c>{algorithm, challenge, number, salt, signature}</c>): our
    /// signature, not expired, and the proof of work. Returns the challenge and its expiry for the single-use
    /// record, or the reason it was refused.
    /// </summary>
    public (CaptchaCheck Check, string? Challenge, DateTimeOffset ExpiresAt) Verify(string payload)
    {
        if (Parse(payload) is not { } solution)
        {
            return (CaptchaCheck.Rejected("malformed"), null, default);
        }

        if (solution.Algorithm != Algorithm)
        {
            return (CaptchaCheck.Rejected("algorithm"), null, default);
        }

        if (!FixedTimeHexEquals(Sign(solution.Challenge), solution.Signature))
        {
            return (CaptchaCheck.Rejected("signature"), null, default);
        }

        // Our challenges always expire; one without an expiry (or spliced to hide it) is not ours to honour.
        if (!solution.Salt.EndsWith('&') || Expiry(solution.Salt) is not { } expiresAt)
        {
            return (CaptchaCheck.Rejected("expiry-missing"), null, default);
        }

        if (expiresAt <= time.GetUtcNow())
        {
            return (CaptchaCheck.Rejected("expired"), null, default);
        }

        if (!FixedTimeHexEquals(Sha256Hex(solution.Salt + solution.Number.ToString(CultureInfo.InvariantCulture)), solution.Challenge))
        {
            return (CaptchaCheck.Rejected("proof"), null, default);
        }

        return (CaptchaCheck.Accepted, solution.Challenge, expiresAt);
    }

    private string Sign(string challenge) => Convert.ToHexStringLower(HMACSHA256.HashData(hmacKey, Encoding.UTF8.GetBytes(challenge)));

    private static string Sha256Hex(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private static bool FixedTimeHexEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(actual.ToLowerInvariant()));

    private static DateTimeOffset? Expiry(string salt)
    {
        var query = salt.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
        {
            return null;
        }

        foreach (var pair in salt[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (pair.StartsWith("expires=", StringComparison.Ordinal) &&
                long.TryParse(pair.AsSpan("expires=".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) &&
                seconds < 253_402_300_800)
            {
                return DateTimeOffset.FromUnixTimeSeconds(seconds);
            }
        }

        return null;
    }

    private static Solution? Parse(string payload)
    {
        var buffer = new byte[(payload.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(payload, buffer, out var length))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object &&
                Text(root, "algorithm") is { } algorithm &&
                Text(root, "challenge") is { Length: 64 } challenge &&
                Text(root, "salt") is { Length: > 0 and <= 512 } salt &&
                Text(root, "signature") is { Length: 64 } signature &&
                root.TryGetProperty("number", out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt64(out var number) && number >= 0
                    ? new Solution(algorithm, challenge, number, salt, signature)
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private sealed record Solution(string Algorithm, string Challenge, long Number, string Salt, string Signature);
}
