namespace Recovery.AuthServer.Passwords;

/// <summary>Which Argon2id implementation computes new and verified hashes (<c>Passwords:Argon2:Engine</c>).</summary>
public enum Argon2EngineKind
{
    /// <summary>The fastest present: libsodium if it loads, else Konscious.</summary>
    Auto,

    /// <summary>libsodium through NSec.Cryptography (native, about 7× faster); start-up fails if it cannot load.</summary>
    Libsodium,

    /// <summary>Konscious.Security.Cryptography (managed, always present).</summary>
    Konscious,
}
