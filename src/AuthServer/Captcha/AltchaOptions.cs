namespace Recovery.AuthServer.Captcha;

/// <summary><c>Captcha:Altcha:*</c>: the self-hosted proof-of-work captcha (ALTCHA protocol, SHA-256).</summary>
public sealed class AltchaOptions
{
    /// <summary>
    /// The HMAC key that signs challenges: base64 of at least 32 random bytes. Like every ALTCHA library,
    /// the HMAC uses the UTF-8 bytes of this text as its key. Required for <c>Altcha</c>.
    /// </summary>
    public string HmacKey { get; set; } = "";

    /// <summary>
    /// The difficulty: the secret number is drawn from 0…MaxNumber, so a solver tries MaxNumber/2 hashes
    /// on average. Default 100000 (see docs/security.md for what it costs a phone).
    /// </summary>
    public int MaxNumber { get; set; } = 100_000;

    /// <summary>How long a challenge can be solved and used (its <c>expires</c>). Default 5 min.</summary>
    public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
