using Recovery.AuthServer.Operations;

namespace Recovery.AuthServer.SharedTests.Operations;

/// <summary>
/// A pending password-change operation of the seed customer as the stores hold it, for tests about its lifecycle
/// (rules, store contracts, sweeping) rather than its contents.
/// </summary>
public static class PendingOperation
{
    public static OperationRecord Of(string id, string reference, DateTimeOffset createdAt, DateTimeOffset expiresAt) => new()
    {
        Id = id,
        Reference = reference,
        CustomerId = "c-1",
        Description = "Cambio de contraseña de Usuario de Banca Electrónica",
        PhoneLastDigits = "032",
        PendingPasswordHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
        CredentialVersion = 1,
        TicketHash = "ticket-hash",
        Language = "es-ES",
        CreatedAt = createdAt,
        ExpiresAt = expiresAt,
    };
}
