using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Passwords;

/// <summary>
/// Picks the engine for each hash: the configured (or fastest present) one when it can compute the
/// hash's parameters, else Konscious, which computes anything. Both give identical bytes, so the choice
/// never changes whether a password verifies.
/// </summary>
public sealed class Argon2EngineSelector
{
    public Argon2EngineSelector(IOptions<Argon2Options> options)
        : this(Choose(options.Value.Engine), new KonsciousArgon2Engine())
    {
    }

    public Argon2EngineSelector(IArgon2Engine preferred, IArgon2Engine fallback)
    {
        Preferred = preferred;
        Fallback = fallback;
    }

    public IArgon2Engine Preferred { get; }

    public IArgon2Engine Fallback { get; }

    public IArgon2Engine For(int memoryKib, int iterations, int parallelism, int saltLength, int length) =>
        Preferred.Supports(memoryKib, iterations, parallelism, saltLength, length) ? Preferred : Fallback;

    public static IArgon2Engine Choose(Argon2EngineKind kind) => kind switch
    {
        Argon2EngineKind.Konscious => new KonsciousArgon2Engine(),
        Argon2EngineKind.Libsodium => LibsodiumArgon2Engine.IsAvailable
            ? new LibsodiumArgon2Engine()
            : throw new InvalidOperationException("Passwords:Argon2:Engine is Libsodium but libsodium cannot be loaded: " + LibsodiumArgon2Engine.UnavailableReason),
        _ => LibsodiumArgon2Engine.IsAvailable ? new LibsodiumArgon2Engine() : new KonsciousArgon2Engine(),
    };
}
