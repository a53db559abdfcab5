namespace Recovery.AuthServer.Operations;

/// <summary>
/// The id, reference and lifetime drawn for an operation about to be opened (<see cref="OperationLifecycle.ReserveAsync"/>),
/// and whether the reference is reserved for it; the operation's lifetime runs from <see cref="CreatedAt"/>.
/// </summary>
public sealed record OperationReservation(string Id, string Reference, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, bool Reserved);
