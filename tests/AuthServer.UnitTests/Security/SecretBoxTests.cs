using System.Security.Cryptography;
using System.Text;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.UnitTests.Security;

/// <summary>
/// Sealed messages and profiles are stored: their format is fixed, and a box that reuses its cipher on each thread
/// must seal and open exactly what a fresh one does.
/// </summary>
public sealed class SecretBoxTests
{
    private static readonly byte[] ServerKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private const string Label = "recovery.v1/test/aes-256-gcm";

    [Fact]
    public void Protect_Twice_VersionNonceTagCiphertextThatAOneShotAesGcmOpens()
    {
        var box = new SecretBox(ServerKey, Label, new CryptoRandomSource());
        var associated = "notification:abc"u8.ToArray();

        foreach (var text in new[] { "primer mensaje", "segundo, más largo que el primero" })
        {
            var blob = box.Protect(Encoding.UTF8.GetBytes(text), associated);

            // Written out: HKDF-SHA256 of the label, AES-256-GCM, version 1 ‖ nonce (12) ‖ tag (16) ‖ ciphertext.
            var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, ServerKey, 32, salt: [], info: Encoding.ASCII.GetBytes(Label));
            using var aes = new AesGcm(key, 16);
            var plaintext = new byte[blob.Length - 29];
            aes.Decrypt(blob.AsSpan(1, 12), blob.AsSpan(29), blob.AsSpan(13, 16), plaintext, associated);
            Assert.Equal(1, blob[0]);
            Assert.Equal(text, Encoding.UTF8.GetString(plaintext));
        }
    }

    [Fact]
    public void Unprotect_TamperedThenGenuine_NullThenThePlaintext()
    {
        var box = new SecretBox(ServerKey, Label, new CryptoRandomSource());
        var blob = box.Protect("hola"u8, "customer-profile:1"u8);
        var tampered = blob.ToArray();
        tampered[^1] ^= 1;

        Assert.Null(box.Unprotect(tampered, "customer-profile:1"u8));
        Assert.Null(box.Unprotect(blob, "customer-profile:2"u8));

        // The failed opens leave the reused cipher usable: the genuine blob still opens, on this box and a fresh one.
        Assert.Equal("hola"u8.ToArray(), box.Unprotect(blob, "customer-profile:1"u8));
        Assert.Equal("hola"u8.ToArray(), new SecretBox(ServerKey, Label, new CryptoRandomSource()).Unprotect(blob, "customer-profile:1"u8));
    }

    [Fact]
    public void Protect_ManyThreadsAtOnce_EachBlobOpensToItsOwnText()
    {
        var box = new SecretBox(ServerKey, Label, new CryptoRandomSource());
        var reader = new SecretBox(ServerKey, Label, new CryptoRandomSource());
        var blobs = new byte[800][];

        Parallel.For(0, blobs.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            blobs[i] = box.Protect(Encoding.UTF8.GetBytes("mensaje " + i), Encoding.ASCII.GetBytes("notification:" + i)));

        for (var i = 0; i < blobs.Length; i++)
        {
            Assert.Equal("mensaje " + i, Encoding.UTF8.GetString(reader.Unprotect(blobs[i], Encoding.ASCII.GetBytes("notification:" + i))!));
        }
    }

    [Fact]
    public void Unprotect_OtherLabel_Null()
    {
        var blob = new SecretBox(ServerKey, Label, new CryptoRandomSource()).Protect("hola"u8, "x"u8);

        Assert.Null(new SecretBox(ServerKey, "recovery.v1/other/aes-256-gcm", new CryptoRandomSource()).Unprotect(blob, "x"u8));
    }
}
