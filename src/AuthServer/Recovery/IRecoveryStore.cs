namespace Recovery.AuthServer.Recovery;

public interface IRecoveryStore
{
    /// <summary>
    /// Creates a recovery alone, under any id (throws when it is taken): the record's own step, which the store contract
    /// reads and changes records through. StartRecovery creates its recoveries with their code (<see cref="CreateWithCodeAsync"/>).
    /// </summary>
    Task CreateAsync(RecoveryRecord recovery, CancellationToken cancellationToken);

    /// <summary>
    /// Creates the recovery and its code's challenge as one step: both, or neither when either id is taken (then it
    /// throws, as <see cref="CreateAsync"/> and <see cref="Otp.IChallengeStore.CreateAsync"/> do). The recovery's id names
    /// the slot twin of the challenge's group (<see cref="RecoveryIds"/>), so a store that shards keeps both in one shard;
    /// any other pair is refused with <see cref="ArgumentException"/>. The challenge is then the one
    /// <see cref="TryCodeAsync"/> and <see cref="Otp.IChallengeStore"/> find by its id.
    /// </summary>
    Task CreateWithCodeAsync(RecoveryRecord recovery, Otp.Challenge challenge, CancellationToken cancellationToken);

    Task<RecoveryRecord?> GetAsync(string recoveryId, CancellationToken cancellationToken);

    Task SetStateAsync(string recoveryId, RecoveryState state, CancellationToken cancellationToken);

    /// <summary>
    /// Blocks recoveries with this card (keyed hash, grouped with its document: see RecoveryFlow) for an escalating period; returns until when.
    /// Kept per card so that a decoy and a real recovery are blocked alike. With <paramref name="atLeastUntil"/> the
    /// block lasts at least until then (until the card's wrong codes leave their window), whatever the escalation says.
    /// </summary>
    Task<DateTimeOffset> BlockCardAsync(string cardHash, DateTimeOffset now, TimeSpan firstBlock, TimeSpan maxBlock, CancellationToken cancellationToken, DateTimeOffset? atLeastUntil = null);

    /// <summary>Until when recoveries with this card are blocked, or null if they are not.</summary>
    Task<DateTimeOffset?> GetCardBlockAsync(string cardHash, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// A new code for a recovery's challenge in one atomic step with its card's block (<paramref name="card"/> grouped as
    /// <see cref="BlockCardAsync"/> takes it, in the challenge's group; any other pair is refused with
    /// <see cref="ArgumentException"/>): null, and nothing reissued, while the card is blocked at the reissue's time;
    /// otherwise what <see cref="Otp.IChallengeStore.ReissueAsync"/> answers.
    /// </summary>
    Task<Otp.ReissueResult?> ReissueCodeAsync(string card, string challengeId, Otp.ChallengeReissue reissue, CancellationToken cancellationToken);

    /// <summary>
    /// A try at a recovery's code in one atomic step (see <see cref="RecoveryCodeTry"/>): nothing is evaluated when the
    /// card is blocked or a scope is full, and no parallel try can slip between the take and the settle. The challenge
    /// is the one <see cref="Otp.IChallengeStore"/> created, the block the one <see cref="BlockCardAsync"/> writes.
    /// </summary>
    Task<RecoveryCodeTried> TryCodeAsync(RecoveryCodeTry codeTry, CancellationToken cancellationToken);
}
