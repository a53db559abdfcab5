namespace Recovery.AuthServer.Idempotency;

/// <summary>The answer of <see cref="IIdempotencyStore.TryBeginAsync"/>; <see cref="Response"/> only when <see cref="IdempotencyStatus.Completed"/>.</summary>
public sealed record IdempotencyBegin(IdempotencyStatus Status, byte[]? Response = null)
{
    public static IdempotencyBegin New { get; } = new(IdempotencyStatus.New);

    public static IdempotencyBegin InProgress { get; } = new(IdempotencyStatus.InProgress);

    public static IdempotencyBegin Mismatch { get; } = new(IdempotencyStatus.Mismatch);

    public static IdempotencyBegin Completed(byte[] response) => new(IdempotencyStatus.Completed, response);
}
