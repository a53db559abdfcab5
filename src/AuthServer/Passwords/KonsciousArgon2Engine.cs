using System.Security.Cryptography;
using Konscious.Security.Cryptography;

namespace Recovery.AuthServer.Passwords;

/// <summary>
/// The managed engine: any parameters the PHC parser accepts. Its synchronous <c>GetBytes</c> still
/// hands its memory segments to the thread pool and waits for them (about 10 pool items per hash at
/// p=1), so it must run on the gate's own threads: the thread that blocks is then never a pool thread,
/// and the gate bounds how many hashes feed the pool at once.
/// </summary>
public sealed class KonsciousArgon2Engine : IArgon2Engine
{
    public string Name => nameof(Argon2EngineKind.Konscious);

    public bool Supports(int memoryKib, int iterations, int parallelism, int saltLength, int length) =>
        parallelism >= 1 && memoryKib >= 8 * parallelism && iterations >= 1 && saltLength >= 8 && length >= 4;

    public byte[] Hash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int memoryKib, int iterations, int parallelism, int length)
    {
        // Konscious keeps a reference to the array it is given; a private copy is wiped afterwards.
        var copy = password.ToArray();
        try
        {
            using var argon = new Argon2id(copy)
            {
                Salt = salt.ToArray(),
                MemorySize = memoryKib,
                Iterations = iterations,
                DegreeOfParallelism = parallelism,
            };
            return argon.GetBytes(length);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(copy);
        }
    }
}
