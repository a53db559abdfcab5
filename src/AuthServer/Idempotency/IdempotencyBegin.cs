namespace Recovery.AuthServer.Idempotency;

/// <summary>
/// The answer of <see cref="IIdempotencyStore.TryBeginAsync"/>; <see cref="Response"/> only when <see cref="IdempotencyStatus.Completed"/>,
/// with the <see cref="Condition"/> it was stored under, if any (<see cref="IIdempotencyConditionCheck"/>): a response stored
/// under a condition is the call's answer only while that condition holds, which the claim checks before answering it.
/// </summary>
public sealed record IdempotencyBegin(IdempotencyStatus Status, byte[]? Response = null, string? Condition = null)
{
    public static IdempotencyBegin New { get; } = new(IdempotencyStatus.New);

    public static IdempotencyBegin InProgress { get; } = new(IdempotencyStatus.InProgress);

    public static IdempotencyBegin Mismatch { get; } = new(IdempotencyStatus.Mismatch);

    public static IdempotencyBegin Completed(byte[] response, string? condition = null) => new(IdempotencyStatus.Completed, response, condition);
}
