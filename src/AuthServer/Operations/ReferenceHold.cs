namespace Recovery.AuthServer.Operations;

/// <summary>
/// Who holds an operation reference, as far as <see cref="OperationRules.IsReferenceFree"/> needs to know: the
/// holder's id, whether it is still open (pending) and when it ends.
/// </summary>
public sealed record ReferenceHold(string OperationId, bool Open, DateTimeOffset ExpiresAt);
