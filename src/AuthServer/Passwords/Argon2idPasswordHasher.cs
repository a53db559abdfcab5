using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Passwords;

/// <summary>
/// Argon2id (Konscious, managed) over HMAC-SHA256(pepper, NFKC(password)). The pepper is applied by
/// HMAC rather than Argon2's own secret input so that any Argon2id engine can verify the same hashes.
/// </summary>
public sealed class Argon2idPasswordHasher(IOptions<Argon2Options> options, SecretKeys keys, IRandomSource random) : IPasswordHasher
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public async Task<string> HashAsync(string password, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var salt = new byte[SaltBytes];
        random.Fill(salt);
        var hash = await ComputeAsync(password, keys.PasswordPepper, salt, o.MemoryKib, o.Iterations, o.Parallelism, HashBytes, cancellationToken);
        return new PhcString(o.MemoryKib, o.Iterations, o.Parallelism, keys.PasswordPepperId, salt, hash).ToString();
    }

    public async Task<PasswordVerification> VerifyAsync(string storedHash, string password, CancellationToken cancellationToken)
    {
        if (!PhcString.TryParse(storedHash, out var phc) || phc is null || !keys.PasswordPeppers.TryGetValue(phc.KeyId, out var pepper))
        {
            // Unknown pepper ids fail closed: a verify never falls back to an unpeppered hash.
            return PasswordVerification.Failed;
        }

        var actual = await ComputeAsync(password, pepper, phc.Salt, phc.MemoryKib, phc.Iterations, phc.Parallelism, phc.Hash.Length, cancellationToken);
        if (!CryptographicOperations.FixedTimeEquals(actual, phc.Hash))
        {
            return PasswordVerification.Failed;
        }

        var o = options.Value;
        var weaker = phc.MemoryKib < o.MemoryKib || phc.Iterations < o.Iterations || phc.Parallelism < o.Parallelism ||
            phc.KeyId != keys.PasswordPepperId;
        return weaker ? PasswordVerification.SuccessRehashNeeded : PasswordVerification.Success;
    }

    private static async Task<byte[]> ComputeAsync(string password, byte[] pepper, byte[] salt, int memoryKib, int iterations, int parallelism, int length, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var peppered = HMACSHA256.HashData(pepper, Encoding.UTF8.GetBytes(password.Normalize(NormalizationForm.FormKC)));
        try
        {
            using var argon = new Argon2id(peppered)
            {
                Salt = salt,
                MemorySize = memoryKib,
                Iterations = iterations,
                DegreeOfParallelism = parallelism,
            };
            return await argon.GetBytesAsync(length);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(peppered);
        }
    }
}
