using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Passwords;

/// <summary>
/// Argon2id over HMAC-SHA256(pepper, NFKC(password)), stored as a PHC string that names its pepper.
/// The pepper is applied by HMAC rather than Argon2's own secret input so that any engine (libsodium has
/// no secret input) computes and verifies the same hashes. Every hash goes through the <see cref="Argon2Gate"/>.
/// </summary>
public sealed class Argon2idPasswordHasher(
    IOptions<Argon2Options> options,
    SecretKeys keys,
    IRandomSource random,
    Argon2EngineSelector engines,
    Argon2Gate gate,
    RequestDeadline deadline) : IPasswordHasher
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public async Task<string> HashAsync(string password, CancellationToken cancellationToken, HashPriority priority = HashPriority.Fresh)
    {
        var o = options.Value;
        var salt = NewSalt();
        var hash = await ComputeAsync(password, keys.PasswordPepper, salt, o.MemoryKib, o.Iterations, o.Parallelism, HashBytes, priority, cancellationToken);
        return new PhcString(o.MemoryKib, o.Iterations, o.Parallelism, keys.PasswordPepperId, salt, hash).ToString();
    }

    public async Task<NewPasswordHash> HashNewAsync(string password, IReadOnlyList<string> earlier, CancellationToken cancellationToken, HashPriority priority = HashPriority.Fresh)
    {
        var o = options.Value;
        var stored = earlier.Select(h => PhcString.TryParse(h, out var phc) ? phc : null).ToList();

        // One salt per customer: the salt of their newest hash made at today's cost and pepper (every hash this
        // server makes at a change reuses it, so the whole history shares it). One hash of the candidate then
        // both checks reuse against every entry and becomes the stored hash: 1 Argon2 instead of 1 + 6. What the
        // sharing gives up (one guess tests one customer's ≤ 6 entries at once) is in docs/security.md.
        var salt = stored.FirstOrDefault(phc => phc is not null && SharesCost(phc, o) && phc.Salt.Length == SaltBytes)?.Salt ?? NewSalt();
        var hash = await ComputeAsync(password, keys.PasswordPepper, salt, o.MemoryKib, o.Iterations, o.Parallelism, HashBytes, priority, cancellationToken);

        var reused = false;
        var legacy = new List<(PhcString Phc, byte[] Pepper)>();
        foreach (var phc in stored)
        {
            // A malformed entry or one under a pepper no longer configured cannot match any password: skipped, not
            // hashed (the customer holds a change ticket, so there is no timing to keep even).
            if (phc is null || !keys.PasswordPeppers.TryGetValue(phc.KeyId, out var pepper))
            {
                continue;
            }

            if (SharesCost(phc, o) && phc.Salt.AsSpan().SequenceEqual(salt))
            {
                // Every shared entry is compared, matched or not: the answer's time does not say which one it was.
                reused |= CryptographicOperations.FixedTimeEquals(hash, phc.Hash);
            }
            else
            {
                legacy.Add((phc, pepper));
            }
        }

        // Entries not made with the customer's salt, cost and pepper (imported, or from before a cost raise or a
        // pepper rotation) are verified one by one, only if no shared entry matched: one more Argon2 each, for at
        // most HistoryDepth more changes, until they fall out of the history.
        foreach (var (phc, pepper) in legacy)
        {
            if (reused)
            {
                break;
            }

            reused = await MatchesAsync(phc, pepper, password, priority, cancellationToken);
        }

        return reused
            ? NewPasswordHash.Reused
            : NewPasswordHash.Fresh(new PhcString(o.MemoryKib, o.Iterations, o.Parallelism, keys.PasswordPepperId, salt, hash).ToString());
    }

    public async Task<PasswordVerification> VerifyAsync(string storedHash, string password, CancellationToken cancellationToken, HashPriority priority = HashPriority.Fresh)
    {
        if (!PhcString.TryParse(storedHash, out var phc) || phc is null || !keys.PasswordPeppers.TryGetValue(phc.KeyId, out var pepper))
        {
            // Unknown pepper ids fail closed: a verify never falls back to an unpeppered hash. It still costs
            // one hash at today's cost, so a retired pepper or a damaged hash is not told apart by timing from
            // a wrong password (every failed Login costs one verify).
            _ = await ComputeAsync(password, keys.PasswordPepper, NewSalt(), options.Value.MemoryKib, options.Value.Iterations, options.Value.Parallelism, HashBytes, priority, cancellationToken);
            return PasswordVerification.Failed;
        }

        if (!await MatchesAsync(phc, pepper, password, priority, cancellationToken))
        {
            return PasswordVerification.Failed;
        }

        var o = options.Value;
        var weaker = phc.MemoryKib < o.MemoryKib || phc.Iterations < o.Iterations || phc.Parallelism < o.Parallelism ||
            phc.KeyId != keys.PasswordPepperId;
        return weaker ? PasswordVerification.SuccessRehashNeeded : PasswordVerification.Success;
    }

    /// <summary>
    /// A well-formed hash at the current cost that no password matches (random salt and tag), made
    /// without hashing: verifying against it costs exactly what a real verify costs, which is what the
    /// anti-enumeration paths need, and it cannot fail for want of a free hashing slot.
    /// </summary>
    public string CreateDecoyHash()
    {
        var o = options.Value;
        var salt = new byte[SaltBytes];
        var tag = new byte[HashBytes];
        random.Fill(salt);
        random.Fill(tag);
        return new PhcString(o.MemoryKib, o.Iterations, o.Parallelism, keys.PasswordPepperId, salt, tag).ToString();
    }

    public void EnsureCapacity(HashPriority priority = HashPriority.Fresh) => gate.EnsureAdmissible(deadline.Remaining, priority);

    public void EnsureRoomForNewFlow() => gate.EnsureAdmissible(null, HashPriority.Paid);

    private async Task<byte[]> ComputeAsync(string password, byte[] pepper, byte[] salt, int memoryKib, int iterations, int parallelism, int length, HashPriority priority, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var engine = engines.For(memoryKib, iterations, parallelism, salt.Length, length);
        var peppered = HMACSHA256.HashData(pepper, Encoding.UTF8.GetBytes(password.Normalize(NormalizationForm.FormKC)));
        try
        {
            return await gate.RunAsync(() => engine.Hash(peppered, salt, memoryKib, iterations, parallelism, length), deadline.Remaining, cancellationToken, priority);
        }
        finally
        {
            // After a cancel the hash may still be running; wiping under it only spoils a dropped result.
            CryptographicOperations.ZeroMemory(peppered);
        }
    }

    private async Task<bool> MatchesAsync(PhcString phc, byte[] pepper, string password, HashPriority priority, CancellationToken cancellationToken)
    {
        var actual = await ComputeAsync(password, pepper, phc.Salt, phc.MemoryKib, phc.Iterations, phc.Parallelism, phc.Hash.Length, priority, cancellationToken);
        return CryptographicOperations.FixedTimeEquals(actual, phc.Hash);
    }

    /// <summary>Made at today's cost, pepper and length: a hash of a candidate with its salt is directly comparable.</summary>
    private bool SharesCost(PhcString phc, Argon2Options o) =>
        phc.MemoryKib == o.MemoryKib && phc.Iterations == o.Iterations && phc.Parallelism == o.Parallelism &&
        phc.KeyId == keys.PasswordPepperId && phc.Hash.Length == HashBytes;

    private byte[] NewSalt()
    {
        var salt = new byte[SaltBytes];
        random.Fill(salt);
        return salt;
    }
}
