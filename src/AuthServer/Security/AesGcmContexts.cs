using System.Security.Cryptography;

namespace Recovery.AuthServer.Security;

/// <summary>
/// AES-256-GCM ciphers already keyed, a few per thread, for <see cref="SecretBox"/>. Why: a new <see cref="AesGcm"/>
/// per seal creates and keys an OpenSSL context every time (about 4 µs of the 6–7 µs a seal of a short message costs on
/// the reference machine, against 2–3 µs with a keyed one), and the Redis outbox seals every message a call enqueues.
/// <see cref="AesGcm"/> takes the nonce with each call, so a keyed one seals and opens exactly what a fresh one does
/// (SecretBoxTests open with a one-shot cipher what a reused one sealed).
/// </summary>
/// <remarks>
/// As <see cref="HmacContexts"/>: per thread, because an <see cref="AesGcm"/> must not serve two calls at once and
/// nothing should wait on a lock; found by the key's bytes, so a key is never used stale; at most
/// <see cref="PerThread"/> keys per thread (the server has three boxes: the outbox, the profiles, the SMS reports), the
/// oldest disposed and its copy zeroed when another comes. The keys stay in the process's memory, as they already do
/// in each <see cref="SecretBox"/>.
/// </remarks>
internal static class AesGcmContexts
{
    private const int PerThread = 4;

    [ThreadStatic]
    private static Entry?[]? entries;

    [ThreadStatic]
    private static int nextSlot;

    /// <summary>A cipher keyed with <paramref name="key"/>, this thread's own; use it before the thread does anything else.</summary>
    public static AesGcm For(byte[] key, int tagSize)
    {
        var cache = entries ??= new Entry?[PerThread];
        for (var i = 0; i < cache.Length; i++)
        {
            if (cache[i] is { } entry && entry.TagSize == tagSize && entry.Key.AsSpan().SequenceEqual(key))
            {
                return entry.Cipher;
            }
        }

        var slot = nextSlot;
        nextSlot = (slot + 1) % cache.Length;
        cache[slot]?.Dispose();
        var added = new Entry(key.ToArray(), tagSize, new AesGcm(key, tagSize));
        cache[slot] = added;
        return added.Cipher;
    }

    private sealed class Entry(byte[] key, int tagSize, AesGcm cipher) : IDisposable
    {
        public byte[] Key => key;

        public int TagSize => tagSize;

        public AesGcm Cipher => cipher;

        public void Dispose()
        {
            cipher.Dispose();
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
