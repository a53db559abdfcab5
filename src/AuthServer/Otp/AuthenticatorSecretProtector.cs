using System.Security.Cryptography;
using System.Text;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Otp;

/// <summary>
/// Encrypts TOTP secrets at rest with AES-256-GCM. Unlike codes, a TOTP secret must be recovered to
/// compute codes, so it cannot be kept as a one-way hash. The key is derived by HKDF-SHA256 from
/// <c>Secrets:CodeKey</c> with its own label, so it is independent of the HMAC uses of that key and
/// needs no new secret to configure. The enrolment id and customer id are associated data: a
/// ciphertext copied to another customer or enrolment fails to decrypt.
/// </summary>
public sealed class AuthenticatorSecretProtector
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Label = Encoding.ASCII.GetBytes("recovery.v1/totp-secret/aes-256-gcm");

    private readonly byte[] key;
    private readonly IRandomSource random;

    public AuthenticatorSecretProtector(SecretKeys keys, IRandomSource random)
    {
        key = HKDF.DeriveKey(HashAlgorithmName.SHA256, keys.CodeKey, 32, salt: [], info: Label);
        this.random = random;
    }

    /// <summary>version ‖ nonce ‖ tag ‖ ciphertext.</summary>
    public byte[] Protect(ReadOnlySpan<byte> secret, string customerId, string enrollmentId)
    {
        var output = new byte[1 + NonceSize + TagSize + secret.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceSize);
        random.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, secret, output.AsSpan(1 + NonceSize + TagSize), output.AsSpan(1 + NonceSize, TagSize), Associated(customerId, enrollmentId));
        return output;
    }

    /// <summary>The secret, or null if the blob is malformed, tampered with or bound to another customer/enrolment.</summary>
    public byte[]? Unprotect(byte[] blob, string customerId, string enrollmentId)
    {
        if (blob.Length <= 1 + NonceSize + TagSize || blob[0] != Version)
        {
            return null;
        }

        var secret = new byte[blob.Length - 1 - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(blob.AsSpan(1, NonceSize), blob.AsSpan(1 + NonceSize + TagSize), blob.AsSpan(1 + NonceSize, TagSize), secret, Associated(customerId, enrollmentId));
            return secret;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private static byte[] Associated(string customerId, string enrollmentId) => OtpEngine.Binding("totp-secret", customerId, enrollmentId);
}
