using System.Collections.Concurrent;
using Recovery.AuthServer.Passwords;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>The server's hasher, recording every verify (stored hash, password, result) in the order they ended.</summary>
internal sealed class RecordingPasswordHasher(IPasswordHasher inner) : IPasswordHasher
{
    private readonly ConcurrentQueue<(string StoredHash, string Password, PasswordVerification Result)> verifies = new();

    public IReadOnlyList<(string StoredHash, string Password, PasswordVerification Result)> Verifies => [.. verifies];

    public Task<string> HashAsync(string password, CancellationToken cancellationToken, HashPriority priority = HashPriority.Fresh) =>
        inner.HashAsync(password, cancellationToken, priority);

    public Task<NewPasswordHash> HashNewAsync(string password, IReadOnlyList<string> earlier, CancellationToken cancellationToken, HashPriority priority = HashPriority.Fresh) =>
        inner.HashNewAsync(password, earlier, cancellationToken, priority);

    public async Task<PasswordVerification> VerifyAsync(string storedHash, string password, CancellationToken cancellationToken, HashPriority priority = HashPriority.Fresh)
    {
        var result = await inner.VerifyAsync(storedHash, password, cancellationToken, priority);
        verifies.Enqueue((storedHash, password, result));
        return result;
    }

    public string CreateDecoyHash() => inner.CreateDecoyHash();

    public void EnsureCapacity(HashPriority priority = HashPriority.Fresh) => inner.EnsureCapacity(priority);

    public void EnsureRoomForNewFlow() => inner.EnsureRoomForNewFlow();
}
