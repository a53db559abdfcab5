namespace Recovery.AuthServer.Passwords;

/// <summary>Password hashing for storage: self-describing PHC strings.</summary>
public interface IPasswordHasher
{
    /// <summary>A hash with a new random salt (a customer's first password, a rehash at login).</summary>
    /// <param name="priority">What the hash serves, for the gate's admission (<see cref="HashPriority"/>).</param>
    Task<string> HashAsync(string password, CancellationToken cancellationToken, HashPriority priority = HashPriority.Fresh);

    /// <summary>
    /// A new password hashed once and checked against the customer's <paramref name="earlier"/> hashes (the one in
    /// force and the history, newest first): hashed with the salt, cost and pepper those hashes share (a fresh salt
    /// when none is at today's cost and pepper), the one result is compared in constant time with every entry that
    /// shares them and, unless it matches one, is the hash to store. An entry made otherwise (imported, older cost or
    /// pepper) costs one verify of its own; a malformed one or one with an unknown pepper matches nothing.
    /// See docs/security.md "One salt per customer".
    /// </summary>
    /// <param name="priority">What the hash serves, for the gate's admission (<see cref="HashPriority"/>).</param>
    Task<NewPasswordHash> HashNewAsync(string password, IReadOnlyList<string> earlier, CancellationToken cancellationToken, HashPriority priority = HashPriority.Fresh);

    /// <summary>A malformed or foreign stored hash is a failed check, never an exception.</summary>
    /// <param name="priority">What the verify serves, for the gate's admission (<see cref="HashPriority"/>).</param>
    Task<PasswordVerification> VerifyAsync(string storedHash, string password, CancellationToken cancellationToken, HashPriority priority = HashPriority.Fresh);

    /// <summary>A hash no password verifies against, costing a real verify, made without hashing.</summary>
    string CreateDecoyHash();

    /// <summary>
    /// Refuses now, with the exception a hash would meet, when a hash started now would be refused
    /// (queue full, or the call's deadline out of reach). Lets a flow shed a call before doing the
    /// cheaper work that precedes its hash, so that under overload the cores go to hashing.
    /// </summary>
    void EnsureCapacity(HashPriority priority = HashPriority.Fresh);

    /// <summary>
    /// Refuses a new flow (RESOURCE_EXHAUSTED HASHING_SATURATED, RetryInfo from the queue) while the hashes of flows
    /// already under way fill the gate beyond its latency target: a flow started now would spend an SMS and then wait
    /// behind them, so it waits before spending anything. Fresh work (logins) does not count, so a flood of logins
    /// cannot keep customers from starting a recovery. No deadline check: the flow hashes in a later call.
    /// </summary>
    void EnsureRoomForNewFlow();
}
