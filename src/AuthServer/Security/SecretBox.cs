using System.Security.Cryptography;
using System.Text;

namespace Recovery.AuthServer.Security;

/// <summary>
/// AES-256-GCM for a secret that must be read back (unlike codes, which are kept as keyed hashes).
/// The key is derived by HKDF-SHA256 from a server key with a label per use, so each use has an
/// independent key and none needs a new secret to configure. The associated data binds a ciphertext
/// to its record: copied under another id, it fails to decrypt.
/// </summary>
/// <remarks>The cipher is keyed once per thread and reused (<see cref="AesGcmContexts"/>: why, and why it is the same output).</remarks>
public sealed class SecretBox
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] key;
    private readonly IRandomSource random;

    public SecretBox(byte[] serverKey, string label, IRandomSource random)
    {
        key = HKDF.DeriveKey(HashAlgorithmName.SHA256, serverKey, 32, salt: [], info: Encoding.ASCII.GetBytes(label));
        this.random = random;
    }

    /// <summary>version ‖ nonce ‖ tag ‖ ciphertext.</summary>
    public byte[] Protect(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var output = new byte[1 + NonceSize + TagSize + plaintext.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceSize);
        random.Fill(nonce);
        AesGcmContexts.For(key, TagSize).Encrypt(nonce, plaintext, output.AsSpan(1 + NonceSize + TagSize), output.AsSpan(1 + NonceSize, TagSize), associatedData);
        return output;
    }

    /// <summary>The plaintext, or null if the blob is malformed, tampered with or bound to other data.</summary>
    public byte[]? Unprotect(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> associatedData)
    {
        if (blob.Length <= 1 + NonceSize + TagSize || blob[0] != Version)
        {
            return null;
        }

        var plaintext = new byte[blob.Length - 1 - NonceSize - TagSize];
        try
        {
            AesGcmContexts.For(key, TagSize).Decrypt(blob.Slice(1, NonceSize), blob[(1 + NonceSize + TagSize)..], blob.Slice(1 + NonceSize, TagSize), plaintext, associatedData);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
