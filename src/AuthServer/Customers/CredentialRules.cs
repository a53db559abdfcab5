using System.Collections.Immutable;

namespace Recovery.AuthServer.Customers;

/// <summary>
/// The credential transitions as pure functions, the one source of these rules: a recovery's restore, a signed
/// password change, settling an abandoned change, a login's rehash, and how the login counter sits in the record.
/// The in-memory store applies them under its lock; the Lua scripts of <c>RedisCustomerStore</c> mirror them (each
/// script names the function it mirrors); the contract suite <c>CustomerRuleContract</c> runs the same cases on
/// these functions and on both providers. The login counting itself is <see cref="LoginAttempts"/>, the recovery
/// block's escalation <see cref="RecoveryBlock"/>.
/// </summary>
/// <remarks>
/// A change is recorded under an id in the same atomic step that applies it (<c>changeOutcome</c> below:
/// true applied, false settled as dropped, null unknown), so that its held messages are sent if and only if it
/// applied (see <see cref="CredentialChanges"/>).
/// </remarks>
public static class CredentialRules
{
    /// <summary>
    /// A confirmed recovery: unblocks, clears the failures, retires the password in force into the history and
    /// installs the temporary one, bumping the version (which ends every session and change ticket).
    /// </summary>
    public static CredentialTransition Restore(CredentialRecord credentials, bool? changeOutcome, byte[] temporaryPasswordMac, DateTimeOffset expiresAt, int historyDepth)
    {
        switch (changeOutcome)
        {
            case true:
                return new(credentials, TransitionStatus.AlreadyApplied);
            case false:
                // Settled as dropped: its messages were deleted, so applying it now would restore the credentials
                // without ever telling the customer the temporary password.
                return new(credentials, TransitionStatus.Dropped);
        }

        return new(
            credentials with
            {
                State = CredentialState.Active,
                FailedLogins = 0,
                PasswordHash = null,
                History = Retire(credentials.History, credentials.PasswordHash, historyDepth),
                TemporaryPasswordMac = temporaryPasswordMac,
                TemporaryPasswordExpiresAt = expiresAt,
                FirstLoginPending = false,
                Version = credentials.Version + 1,
            },
            TransitionStatus.Applied);
    }

    /// <summary>
    /// A signed new password, put in force only at the version it was opened against: an operation opened before any
    /// other change (another signature, a new recovery) can never apply afterwards.
    /// </summary>
    public static CredentialTransition Commit(CredentialRecord credentials, bool? changeOutcome, string passwordHash, long expectedVersion, int historyDepth)
    {
        switch (changeOutcome)
        {
            case true:
                return new(credentials, TransitionStatus.AlreadyApplied);
            case false:
                return new(credentials, TransitionStatus.Dropped);
        }

        if (credentials.Version != expectedVersion)
        {
            return new(credentials, TransitionStatus.Stale);
        }

        return new(
            credentials with
            {
                PasswordHash = passwordHash,
                History = Retire(credentials.History, credentials.PasswordHash, historyDepth),
                TemporaryPasswordMac = null,
                TemporaryPasswordExpiresAt = null,
                FailedLogins = 0,
                State = CredentialState.Active,
                FirstLoginPending = true,
                Version = credentials.Version + 1,
            },
            TransitionStatus.Applied);
    }

    /// <summary>
    /// Whether a change applied; one not known yet is decided dropped (<c>RecordDropped</c>: the store records it in
    /// the same atomic step), so that it can never apply afterwards and its held messages can be deleted for good.
    /// </summary>
    public static (bool Applied, bool RecordDropped) Settle(bool? changeOutcome) =>
        (changeOutcome == true, changeOutcome is null);

    /// <summary>
    /// A granted login stores the rehashed password (raised Argon2 parameters) only if the credentials are still at
    /// the version that was verified: a hash of an older password must never overwrite a newer one.
    /// </summary>
    public static CredentialRecord KeepUpgradedHash(CredentialRecord credentials, bool granted, string? upgradedHash, long expectedVersion) =>
        granted && upgradedHash is not null && credentials.Version == expectedVersion
            ? credentials with { PasswordHash = upgradedHash }
            : credentials;

    /// <summary>A granted login ends the wait for the first login after a signed change (<see cref="CredentialRecord.FirstLoginPending"/>).</summary>
    public static CredentialRecord EndFirstLogin(CredentialRecord credentials, bool granted) =>
        granted && credentials.FirstLoginPending ? credentials with { FirstLoginPending = false } : credentials;

    /// <summary>A customer's login counter: its state and failures from the record, its tries under way beside it.</summary>
    public static LoginCounter LoginCounterOf(CredentialRecord credentials, ImmutableDictionary<string, DateTimeOffset> tries) =>
        new(credentials.State == CredentialState.Blocked, credentials.FailedLogins, tries);

    /// <summary>The record with the counter's failures and block; the login never unblocks (only a restore or a change does).</summary>
    public static CredentialRecord WithLoginCounter(CredentialRecord credentials, LoginCounter counter) =>
        credentials with { FailedLogins = counter.Failed, State = counter.Blocked ? CredentialState.Blocked : credentials.State };

    /// <summary>The password in force goes to the front of the history, which keeps at most <paramref name="depth"/> (at least one).</summary>
    private static IReadOnlyList<string> Retire(IReadOnlyList<string> history, string? hash, int depth) =>
        hash is null ? history : [hash, .. history.Take(Math.Max(0, depth - 1))];
}
