namespace Recovery.AuthServer.Operations;

/// <summary>
/// What <see cref="IOperationStore.CloseCodeAndCompleteAsync"/> did: whether the operation's code closed (false: it
/// was already used, by a signature that then decides the operation) and whether the operation completed with it.
/// </summary>
public sealed record CodeClosure(bool Closed, bool Completed);
