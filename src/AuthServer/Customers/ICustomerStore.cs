namespace Recovery.AuthServer.Customers;

/// <summary>Customers and their credentials. Mutations of credentials are atomic and named after their purpose.</summary>
public interface ICustomerStore
{
    /// <summary>Adds a customer with initial credentials unless one with that id exists; false if it did.</summary>
    Task<bool> AddIfAbsentAsync(CustomerRecord customer, CredentialRecord credentials, CancellationToken cancellationToken);

    Task<CustomerRecord?> GetAsync(string customerId, CancellationToken cancellationToken);

    Task<CustomerRecord?> FindByUserCodeAsync(string userCode, CancellationToken cancellationToken);

    Task<CustomerRecord?> FindByCardAsync(string panHash, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="FindByCardAsync"/> and the customer's credentials in one call, null for an unknown card. An unknown
    /// card reads the profile and credentials of a customer that does not exist, so that it costs what a known one
    /// costs: on Redis the index, then the profile and the credentials together (they share the customer's slot), two
    /// round trips either way.
    /// </summary>
    Task<CustomerWithCredentials?> FindByCardWithCredentialsAsync(string panHash, CancellationToken cancellationToken);

    Task<CredentialRecord?> GetCredentialsAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>Counts a wrong password; at <paramref name="maxFailures"/> consecutive ones the credentials block.</summary>
    Task<LoginFailure> RecordLoginFailureAsync(string customerId, int maxFailures, CancellationToken cancellationToken);

    /// <summary>
    /// Takes one login try for <paramref name="subject"/> before its password is evaluated, in one atomic step
    /// (<see cref="LoginAttempts.Begin"/>); the try lasts until <paramref name="leaseEnd"/> at most. An unknown
    /// subject's counter is created on first use and kept for its lifetime after each try.
    /// </summary>
    Task<LoginTryStart> BeginLoginAsync(LoginSubject subject, string tryId, DateTimeOffset now, DateTimeOffset leaseEnd, int maxFailures, CancellationToken cancellationToken);

    /// <summary>The id the user-code index names, or null; read alone, so that it can travel with the login's rate limits.</summary>
    Task<string?> FindIdByUserCodeAsync(string userCode, CancellationToken cancellationToken);

    /// <summary>
    /// A login's lookup and try in one step: if <paramref name="customerId"/> (what <see cref="FindIdByUserCodeAsync"/>
    /// answered) names a customer who has <paramref name="userCode"/> and credentials, reads the customer and its
    /// credentials and takes a try on them atomically (<see cref="LoginAttempts.Begin"/>); otherwise takes the try on
    /// <paramref name="unknown"/>. Either way the same work: an unknown user code must cost what a known one costs.
    /// </summary>
    Task<LoginLookup> BeginLoginByUserCodeAsync(
        string? customerId, string userCode, LoginSubject unknown, string tryId, DateTimeOffset now, DateTimeOffset leaseEnd, int maxFailures, CancellationToken cancellationToken);

    /// <summary>The try's password was wrong: counted, and at <paramref name="maxFailures"/> the subject blocks (<see cref="LoginAttempts.Fail"/>).</summary>
    Task<LoginFailure> FailLoginAsync(LoginSubject subject, string tryId, int maxFailures, CancellationToken cancellationToken);

    /// <summary>
    /// The try's password was right: gives the try back and clears the failures counted before it, unless the
    /// credentials blocked meanwhile (then false: no session). Stores <paramref name="upgradedHash"/> if the
    /// credentials are still at <paramref name="expectedVersion"/>.
    /// </summary>
    Task<bool> SucceedLoginAsync(string customerId, string tryId, int failedBefore, string? upgradedHash, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>The try ended without an evaluation (hashing refused, call cancelled): given back, not counted.</summary>
    Task ReleaseLoginAsync(LoginSubject subject, string tryId, CancellationToken cancellationToken);

    /// <summary>
    /// A confirmed recovery: unblocks, clears failures, retires the password into the history, installs
    /// a temporary one, all in one atomic step recorded as change <paramref name="changeId"/>. Returns the new version. Applying the same change
    /// again changes nothing and returns the version; a change already settled as dropped
    /// (<see cref="SettleChangeAsync"/>) throws <see cref="StorageUnavailableException"/>, having changed nothing.
    /// An applied change is announced to the outbox's dispatchers where they listen (Redis), which release its held
    /// messages (<see cref="CredentialChanges.ApplyBesideHoldAsync"/>).
    /// </summary>
    Task<long> RestoreWithTemporaryPasswordAsync(string customerId, byte[] temporaryPasswordMac, DateTimeOffset expiresAt, int historyDepth, string changeId, CancellationToken cancellationToken);

    /// <summary>
    /// Puts a signed new password in force if the credentials are still at <paramref name="expectedVersion"/>,
    /// recorded as change <paramref name="changeId"/> in the same atomic step. True if it is in force (now
    /// or by an earlier call with the same change); false if the version moved on or the change was
    /// settled as dropped.
    /// </summary>
    Task<bool> CommitPasswordAsync(string customerId, string passwordHash, long expectedVersion, int historyDepth, string changeId, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="CommitPasswordAsync"/> guarded by the mark a signature's app step left for attempt
    /// <paramref name="attemptChangeId"/> when it used the step now (<c>IOperationStore.UseAppStepAsync</c>), so that both
    /// can be sent in one round trip: without that mark (a replayed step, or one not run yet) nothing is changed, the
    /// attempt's change is recorded dropped and null is returned. Otherwise the commit as <see cref="CommitPasswordAsync"/>
    /// (true in force now, false stale or the operation's change settled already), with the attempt's change recorded
    /// to match and announced under the attempt's id (its messages are held under it), never under the operation's: an
    /// attempt that fails its guard must not decide the operation's change.
    /// </summary>
    Task<bool?> CommitPasswordAfterStepAsync(
        string customerId, string passwordHash, long expectedVersion, int historyDepth, string changeId, string attemptChangeId, CancellationToken cancellationToken);

    /// <summary>
    /// Whether change <paramref name="changeId"/> was applied; if it was not, records it as dropped in
    /// the same atomic step, so that it can never be applied afterwards. Decides, once and for good, what
    /// happens to the messages held for that change (sent if applied, deleted if not).
    /// </summary>
    Task<bool> SettleChangeAsync(string customerId, string changeId, CancellationToken cancellationToken);

    /// <summary>
    /// Blocks the recovery procedure (not the login) for an escalating period, and at least until
    /// <paramref name="atLeastUntil"/> when given; returns until when.
    /// </summary>
    Task<DateTimeOffset> BlockRecoveryAsync(string customerId, DateTimeOffset now, TimeSpan firstBlock, TimeSpan maxBlock, CancellationToken cancellationToken, DateTimeOffset? atLeastUntil = null);
}
