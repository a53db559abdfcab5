namespace Recovery.AuthServer.Passwords;

/// <summary>Password hashing for storage: self-describing PHC strings.</summary>
public interface IPasswordHasher
{
    Task<string> HashAsync(string password, CancellationToken cancellationToken);

    /// <summary>A malformed or foreign stored hash is a failed check, never an exception.</summary>
    Task<PasswordVerification> VerifyAsync(string storedHash, string password, CancellationToken cancellationToken);

    /// <summary>A hash no password verifies against, costing a real verify, made without hashing.</summary>
    string CreateDecoyHash();

    /// <summary>
    /// Refuses now, with the exception a hash would meet, when a hash started now would be refused
    /// (queue full, or the call's deadline out of reach). Lets a flow shed a call before doing the
    /// cheaper work that precedes its hash, so that under overload the cores go to hashing.
    /// </summary>
    void EnsureCapacity();
}
