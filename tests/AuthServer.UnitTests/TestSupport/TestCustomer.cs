using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.TestSupport;

/// <summary>
/// The customer the unit tests of credential changes and operations seed into an in-memory customer store: "c-1" (Ana),
/// credentials at version 1, and two PHC strings of the server's default cost to stand for her current and new password.
/// </summary>
internal static class TestCustomer
{
    public const string Id = "c-1";

    /// <summary>Her password's hash as seeded.</summary>
    public const string OldHash = "$argon2id$v=19$m=19456,t=2,p=1$b2xk$b2xk";

    /// <summary>A new password's hash, for the changes the tests commit.</summary>
    public const string NewHash = "$argon2id$v=19$m=19456,t=2,p=1$bmV3$bmV3";

    /// <summary>Adds her to <paramref name="customers"/>, credentials at version 1 with <paramref name="passwordHash"/>.</summary>
    public static void AddTo(InMemoryCustomerStore customers, string? passwordHash = OldHash) =>
        customers.AddIfAbsentAsync(
            new CustomerRecord { Id = Id, UserCode = "U1", DisplayName = "ANA", Email = "ana@example.es", Phone = "+34612345032", DocumentId = "12345678Z" },
            new CredentialRecord { CustomerId = Id, PasswordHash = passwordHash, Version = 1 },
            CancellationToken.None).GetAwaiter().GetResult();
}
