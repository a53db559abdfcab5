namespace Recovery.AuthServer.Recovery;

public interface IRecoveryStore
{
    Task CreateAsync(RecoveryRecord recovery, CancellationToken cancellationToken);

    Task<RecoveryRecord?> GetAsync(string recoveryId, CancellationToken cancellationToken);

    Task SetStateAsync(string recoveryId, RecoveryState state, CancellationToken cancellationToken);

    /// <summary>
    /// Blocks recoveries with this card (keyed hash) for an escalating period; returns until when.
    /// Kept per card so that a decoy and a real recovery are blocked alike. With <paramref name="atLeastUntil"/> the
    /// block lasts at least until then (until the card's wrong codes leave their window), whatever the escalation says.
    /// </summary>
    Task<DateTimeOffset> BlockCardAsync(string cardHash, DateTimeOffset now, TimeSpan firstBlock, TimeSpan maxBlock, CancellationToken cancellationToken, DateTimeOffset? atLeastUntil = null);

    /// <summary>Until when recoveries with this card are blocked, or null if they are not.</summary>
    Task<DateTimeOffset?> GetCardBlockAsync(string cardHash, DateTimeOffset now, CancellationToken cancellationToken);
}
