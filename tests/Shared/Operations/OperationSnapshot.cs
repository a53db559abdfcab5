using Recovery.AuthServer.Operations;

namespace Recovery.AuthServer.SharedTests.Operations;

/// <summary>Operation op-1 as far as the rules see it: its state and the card checks it has used.</summary>
internal sealed record OperationSnapshot(OperationState State, int CardChecksUsed = 0);
