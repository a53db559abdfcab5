using NSec.Cryptography;

namespace Recovery.AuthServer.Passwords;

/// <summary>
/// The native engine: libsodium's <c>crypto_pwhash</c> through NSec. libsodium fixes the salt at 16
/// bytes and the lanes at 1, so it declines anything else (old or foreign hashes with p&gt;1 or another
/// salt length); <see cref="Argon2EngineSelector"/> then hands those to Konscious.
/// </summary>
public sealed class LibsodiumArgon2Engine : IArgon2Engine
{
    private const int SaltLength = 16;
    private const int MinLength = 16;

    private static readonly Lazy<string?> LoadError = new(Probe);

    public string Name => nameof(Argon2EngineKind.Libsodium);

    /// <summary>Null when libsodium loads and hashes on this machine; otherwise why not.</summary>
    public static string? UnavailableReason => LoadError.Value;

    public static bool IsAvailable => UnavailableReason is null;

    public bool Supports(int memoryKib, int iterations, int parallelism, int saltLength, int length) =>
        parallelism == 1 && saltLength == SaltLength && length >= MinLength && memoryKib >= 8 && iterations >= 1;

    public byte[] Hash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int memoryKib, int iterations, int parallelism, int length)
    {
        if (!Supports(memoryKib, iterations, parallelism, salt.Length, length))
        {
            throw new NotSupportedException("libsodium computes Argon2id only with p=1, a 16-byte salt and a tag of at least 16 bytes.");
        }

        var parameters = new Argon2Parameters { DegreeOfParallelism = 1, MemorySize = memoryKib, NumberOfPasses = iterations };
        return PasswordBasedKeyDerivationAlgorithm.Argon2id(in parameters).DeriveBytes(password, salt, length);
    }

    private static string? Probe()
    {
        try
        {
            // A real (tiny) hash: loading the library is not enough if the CPU or build lacks Argon2.
            _ = new LibsodiumArgon2Engine().Hash([1], new byte[SaltLength], 8, 1, 1, MinLength);
            return null;
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException or InvalidOperationException)
        {
            return ex.GetType().Name + ": " + (ex.InnerException?.Message ?? ex.Message);
        }
    }
}
