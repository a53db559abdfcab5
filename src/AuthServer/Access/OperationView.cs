using Recovery.AuthServer.Operations;

namespace Recovery.AuthServer.Access;

/// <summary>An operation as screen 6 shows it.</summary>
public sealed record OperationView(
    string OperationId,
    string Reference,
    string Description,
    string PhoneLastDigits,
    DateTimeOffset CodeExpiresAt,
    DateTimeOffset ResendAvailableAt,
    OperationState State);
