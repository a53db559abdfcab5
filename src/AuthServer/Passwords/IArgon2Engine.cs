namespace Recovery.AuthServer.Passwords;

/// <summary>
/// Raw Argon2id (version 0x13): password bytes and salt in, tag out. No pepper, no encoding, no
/// queueing: <see cref="Argon2idPasswordHasher"/> adds those, so every engine yields the same PHC strings.
/// </summary>
public interface IArgon2Engine
{
    /// <summary>Name used in logs, configuration and the calibrate command.</summary>
    string Name { get; }

    /// <summary>False when this engine cannot compute these parameters; the caller picks another engine.</summary>
    bool Supports(int memoryKib, int iterations, int parallelism, int saltLength, int length);

    /// <summary>Blocks the calling thread for the whole computation (call it from the gate's threads).</summary>
    byte[] Hash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int memoryKib, int iterations, int parallelism, int length);
}
