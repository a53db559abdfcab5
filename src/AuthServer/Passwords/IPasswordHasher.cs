namespace Recovery.AuthServer.Passwords;

/// <summary>Password hashing for storage: self-describing PHC strings.</summary>
public interface IPasswordHasher
{
    Task<string> HashAsync(string password, CancellationToken cancellationToken);

    /// <summary>A malformed or foreign stored hash is a failed check, never an exception.</summary>
    Task<PasswordVerification> VerifyAsync(string storedHash, string password, CancellationToken cancellationToken);

    /// <summary>A hash no password verifies against, costing a real verify, made without hashing.</summary>
    string CreateDecoyHash();
}
