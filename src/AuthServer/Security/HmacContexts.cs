using System.Security.Cryptography;

namespace Recovery.AuthServer.Security;

/// <summary>
/// HMAC-SHA256 contexts already keyed, a few per thread, for <see cref="KeyedHash"/>. Why: a one-shot HMAC sets its key
/// up on every call (on Linux OpenSSL fetches the digest and derives both pads again: about 1.3 µs), where resetting a
/// keyed context costs about 0.5 µs; a StartRecovery computes four keyed hashes (card, document, decoy code, audit
/// subject) and a login two. The output is the same HMAC (KeyedHashTests pins it against the one-shot).
/// </summary>
/// <remarks>
/// Per thread, so a context is never shared between two hashes at once, and nothing waits on a lock. A context is found
/// by the key's bytes (not the array's identity), so a key is never used stale; at most <see cref="PerThread"/> keys are
/// kept per thread (the server has two HMAC keys; tests make many), the oldest disposed and its copy zeroed when a new
/// one comes. The key stays in the process's memory, as it already does in <see cref="SecretKeys"/>.
/// </remarks>
internal static class HmacContexts
{
    private const int PerThread = 4;

    [ThreadStatic]
    private static Entry?[]? entries;

    [ThreadStatic]
    private static int nextSlot;

    /// <summary>HMAC-SHA256 of <paramref name="data"/> under <paramref name="key"/> into <paramref name="mac"/> (32 bytes).</summary>
    public static void Compute(byte[] key, ReadOnlySpan<byte> data, Span<byte> mac)
    {
        var cache = entries ??= new Entry?[PerThread];
        var slot = Find(cache, key);
        var hmac = cache[slot]!.Hmac;
        try
        {
            hmac.AppendData(data);
            if (!hmac.TryGetHashAndReset(mac, out var written) || written != HMACSHA256.HashSizeInBytes)
            {
                throw new CryptographicException("The HMAC did not fit its destination.");
            }
        }
        catch
        {
            // A context left half-fed would hash the next input after this one's: it goes.
            cache[slot]!.Dispose();
            cache[slot] = null;
            throw;
        }
    }

    private static int Find(Entry?[] cache, byte[] key)
    {
        for (var i = 0; i < cache.Length; i++)
        {
            if (cache[i] is { } entry && entry.Key.AsSpan().SequenceEqual(key))
            {
                return i;
            }
        }

        var slot = nextSlot;
        nextSlot = (slot + 1) % cache.Length;
        cache[slot]?.Dispose();
        cache[slot] = new Entry(key.ToArray(), IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key));
        return slot;
    }

    private sealed class Entry(byte[] key, IncrementalHash hmac) : IDisposable
    {
        public byte[] Key => key;

        public IncrementalHash Hmac => hmac;

        public void Dispose()
        {
            hmac.Dispose();
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
