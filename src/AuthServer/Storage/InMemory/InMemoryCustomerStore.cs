using System.Collections.Concurrent;
using System.Collections.Immutable;
using Recovery.AuthServer.Customers;

namespace Recovery.AuthServer.Storage.InMemory;

/// <summary>
/// Customers in process memory. Credential updates run under one lock per customer and apply the rules of
/// <see cref="CredentialRules"/>, <see cref="LoginAttempts"/> and <see cref="RecoveryBlock"/>: this store keeps
/// records, locks and the memory of changes, no rule of its own.
/// </summary>
public sealed class InMemoryCustomerStore : ICustomerStore
{
    // Changes remembered per customer, as Redis remembers them for a week: far more than can be in flight.
    private const int ChangesRemembered = 32;

    private readonly ConcurrentDictionary<string, CustomerRecord> customers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Credentials> credentialsById = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> byUserCode = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> byCard = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, UnknownCounter> unknown = new(StringComparer.Ordinal);
    private readonly Lock addLock = new();
    private long lastUnknownSweepTicks;

    public Task<bool> AddIfAbsentAsync(CustomerRecord customer, CredentialRecord credentials, CancellationToken cancellationToken)
    {
        lock (addLock)
        {
            if (customers.ContainsKey(customer.Id) || byUserCode.ContainsKey(customer.UserCode) ||
                customer.Cards.Any(c => byCard.ContainsKey(c.PanHash)))
            {
                return Task.FromResult(false);
            }

            customers[customer.Id] = customer;
            credentialsById[customer.Id] = new Credentials(credentials with { CustomerId = customer.Id });
            byUserCode[customer.UserCode] = customer.Id;
            foreach (var card in customer.Cards)
            {
                byCard[card.PanHash] = customer.Id;
            }

            return Task.FromResult(true);
        }
    }

    public Task<CustomerRecord?> GetAsync(string customerId, CancellationToken cancellationToken) =>
        Task.FromResult(customers.GetValueOrDefault(customerId));

    public Task<CustomerRecord?> FindByUserCodeAsync(string userCode, CancellationToken cancellationToken) =>
        Task.FromResult(byUserCode.TryGetValue(userCode, out var id) ? customers.GetValueOrDefault(id) : null);

    public Task<CustomerRecord?> FindByCardAsync(string panHash, CancellationToken cancellationToken) =>
        Task.FromResult(byCard.TryGetValue(panHash, out var id) ? customers.GetValueOrDefault(id) : null);

    public async Task<CustomerWithCredentials?> FindByCardWithCredentialsAsync(string panHash, CancellationToken cancellationToken) =>
        await FindByCardAsync(panHash, cancellationToken) is { } customer
            ? new CustomerWithCredentials(customer, await GetCredentialsAsync(customer.Id, cancellationToken))
            : null;

    public Task<CredentialRecord?> GetCredentialsAsync(string customerId, CancellationToken cancellationToken) =>
        Task.FromResult(credentialsById.TryGetValue(customerId, out var c) ? c.Value : null);

    public Task<LoginFailure> RecordLoginFailureAsync(string customerId, int maxFailures, CancellationToken cancellationToken) =>
        Task.FromResult(WithCounter(LoginSubject.Customer(customerId), null, c => LoginAttempts.Record(c, maxFailures)));

    public Task<LoginTryStart> BeginLoginAsync(LoginSubject subject, string tryId, DateTimeOffset now, DateTimeOffset leaseEnd, int maxFailures, CancellationToken cancellationToken)
    {
        SweepUnknown(now);
        return Task.FromResult(WithCounter(subject, now, c => LoginAttempts.Begin(c, now, maxFailures, tryId, leaseEnd)));
    }

    public Task<string?> FindIdByUserCodeAsync(string userCode, CancellationToken cancellationToken) =>
        Task.FromResult(byUserCode.GetValueOrDefault(userCode));

    public async Task<LoginLookup> BeginLoginByUserCodeAsync(
        string? customerId, string userCode, LoginSubject unknown, string tryId, DateTimeOffset now, DateTimeOffset leaseEnd, int maxFailures, CancellationToken cancellationToken)
    {
        if (customerId is not null && customers.TryGetValue(customerId, out var customer) &&
            string.Equals(customer.UserCode, userCode, StringComparison.OrdinalIgnoreCase) && credentialsById.ContainsKey(customerId))
        {
            SweepUnknown(now);
            var subject = LoginSubject.Customer(customerId);
            var (start, credentials) = UpdateWithTries(customerId, (c, tries) =>
            {
                var (counter, taken) = LoginAttempts.Begin(CredentialRules.LoginCounterOf(c, tries), now, maxFailures, tryId, leaseEnd);
                var updated = CredentialRules.WithLoginCounter(c, counter);
                return (updated, counter.Tries, (taken, updated));
            });
            return new LoginLookup(customer, credentials, subject, start);
        }

        return new LoginLookup(null, null, unknown, await BeginLoginAsync(unknown, tryId, now, leaseEnd, maxFailures, cancellationToken));
    }

    public Task<LoginFailure> FailLoginAsync(LoginSubject subject, string tryId, int maxFailures, CancellationToken cancellationToken) =>
        Task.FromResult(WithCounter(subject, null, c => LoginAttempts.Fail(c, tryId, maxFailures)));

    public Task<bool> SucceedLoginAsync(string customerId, string tryId, int failedBefore, string? upgradedHash, long expectedVersion, CancellationToken cancellationToken) =>
        Task.FromResult(UpdateWithTries(customerId, (c, tries) =>
        {
            var (counter, granted) = LoginAttempts.Succeed(CredentialRules.LoginCounterOf(c, tries), tryId, failedBefore);
            var updated = CredentialRules.EndFirstLogin(
                CredentialRules.KeepUpgradedHash(CredentialRules.WithLoginCounter(c, counter), granted, upgradedHash, expectedVersion), granted);
            return (updated, counter.Tries, granted);
        }));

    public Task ReleaseLoginAsync(LoginSubject subject, string tryId, CancellationToken cancellationToken)
    {
        WithCounter(subject, null, c => (LoginAttempts.Release(c, tryId), 0));
        return Task.CompletedTask;
    }

    public Task<long> RestoreWithTemporaryPasswordAsync(string customerId, byte[] temporaryPasswordMac, DateTimeOffset expiresAt, int historyDepth, string changeId, CancellationToken cancellationToken) =>
        Task.FromResult(Update(customerId, (entry, c) =>
        {
            var step = Remembered(entry, changeId, CredentialRules.Restore(c, entry.Outcome(changeId), temporaryPasswordMac, expiresAt, historyDepth));
            return step.Status == TransitionStatus.Dropped ? throw Dropped() : (step.Credentials, step.Credentials.Version);
        }));

    public Task<bool> CommitPasswordAsync(string customerId, string passwordHash, long expectedVersion, int historyDepth, string changeId, CancellationToken cancellationToken) =>
        Task.FromResult(Update(customerId, (entry, c) =>
        {
            var step = Remembered(entry, changeId, CredentialRules.Commit(c, entry.Outcome(changeId), passwordHash, expectedVersion, historyDepth));
            return (step.Credentials, step.InForce);
        }));

    public Task<bool?> CommitPasswordAfterStepAsync(
        string customerId, string passwordHash, long expectedVersion, int historyDepth, string changeId, string attemptChangeId, CancellationToken cancellationToken) =>
        Task.FromResult(Update(customerId, (entry, c) =>
        {
            // As RedisCustomerStore's CommitAfterStepScript: the mark taken either way; no mark, or an attempt settled
            // already, changes nothing and records the attempt dropped.
            if (!entry.TakeStepMark(attemptChangeId) || entry.Outcome(attemptChangeId) is not null)
            {
                if (entry.Outcome(attemptChangeId) is null)
                {
                    entry.Remember(attemptChangeId, applied: false);
                }

                return (c, (bool?)null);
            }

            if (entry.Outcome(changeId) is not null)
            {
                entry.Remember(attemptChangeId, applied: false);
                return (c, (bool?)false);
            }

            var step = Remembered(entry, changeId, CredentialRules.Commit(c, null, passwordHash, expectedVersion, historyDepth));
            entry.Remember(attemptChangeId, step.InForce);
            return (step.Credentials, (bool?)step.InForce);
        }));

    /// <summary>
    /// The mark a signature's app step leaves for attempt <paramref name="attemptChangeId"/> when it used the step now
    /// (<see cref="InMemoryOperationStore.UseAppStepAsync"/>), taken by <see cref="CommitPasswordAfterStepAsync"/>.
    /// </summary>
    internal void MarkStep(string customerId, string attemptChangeId)
    {
        if (!credentialsById.TryGetValue(customerId, out var entry))
        {
            return;
        }

        lock (entry)
        {
            entry.MarkStep(attemptChangeId);
        }
    }

    public Task<bool> SettleChangeAsync(string customerId, string changeId, CancellationToken cancellationToken) =>
        Task.FromResult(Update(customerId, (entry, c) =>
        {
            var (applied, recordDropped) = CredentialRules.Settle(entry.Outcome(changeId));
            if (recordDropped)
            {
                entry.Remember(changeId, applied: false);
            }

            return (c, applied);
        }));

    /// <summary>
    /// Whether change <paramref name="changeId"/> was settled already (applied or dropped), deciding nothing: a store step
    /// that records its own change (the enrolment's SMS-code step, <see cref="InMemoryAuthenticatorStore"/>) refuses to run
    /// as a change already settled, as its Redis script does on the fence key. False for an unknown customer.
    /// </summary>
    internal bool IsChangeSettled(string customerId, string changeId)
    {
        if (!credentialsById.TryGetValue(customerId, out var entry))
        {
            return false;
        }

        lock (entry)
        {
            return entry.Outcome(changeId) is not null;
        }
    }

    /// <summary>
    /// Records change <paramref name="changeId"/> as <paramref name="applied"/> or dropped unless it was settled already
    /// (first writer wins, as <c>RedisCustomerStore.SettleScript</c>); what <see cref="SettleChangeAsync"/> then answers.
    /// </summary>
    internal void RecordChange(string customerId, string changeId, bool applied)
    {
        if (!credentialsById.TryGetValue(customerId, out var entry))
        {
            return;
        }

        lock (entry)
        {
            if (entry.Outcome(changeId) is null)
            {
                entry.Remember(changeId, applied);
            }
        }
    }

    public Task<DateTimeOffset> BlockRecoveryAsync(string customerId, DateTimeOffset now, TimeSpan firstBlock, TimeSpan maxBlock, CancellationToken cancellationToken, DateTimeOffset? atLeastUntil = null) =>
        Task.FromResult(Update(customerId, c =>
        {
            var (until, lockouts) = RecoveryBlock.Escalate(c.RecoveryLockouts, now, firstBlock, maxBlock, atLeastUntil);
            return (c with { RecoveryLockouts = lockouts, RecoveryBlockedUntil = until }, until);
        }));

    // A change applied now is remembered as applied, under the same lock that applied it.
    private static CredentialTransition Remembered(Credentials entry, string changeId, CredentialTransition step)
    {
        if (step.Status == TransitionStatus.Applied)
        {
            entry.Remember(changeId, applied: true);
        }

        return step;
    }

    private TResult WithCounter<TResult>(LoginSubject subject, DateTimeOffset? now, Func<LoginCounter, (LoginCounter, TResult)> change)
    {
        if (subject.IsCustomer)
        {
            return UpdateWithTries(subject.Key, (c, tries) =>
            {
                var (counter, result) = change(CredentialRules.LoginCounterOf(c, tries));
                return (CredentialRules.WithLoginCounter(c, counter), counter.Tries, result);
            });
        }

        // An unknown user code's counter: created on first use, kept for its lifetime after the last try.
        var entry = unknown.GetOrAdd(subject.Key, _ => new UnknownCounter());
        lock (entry)
        {
            var (counter, result) = change(entry.Counter);
            entry.Counter = counter;
            if (now is { } at)
            {
                entry.ExpiresAt = at + subject.Lifetime;
            }

            return result;
        }
    }

    private void SweepUnknown(DateTimeOffset now)
    {
        // One sweep a minute at most, by whichever call claims it (the exchange keeps two from sweeping at once).
        var last = Interlocked.Read(ref lastUnknownSweepTicks);
        if (now.UtcTicks - last < TimeSpan.TicksPerMinute || Interlocked.CompareExchange(ref lastUnknownSweepTicks, now.UtcTicks, last) != last)
        {
            return;
        }

        foreach (var (key, entry) in unknown)
        {
            lock (entry)
            {
                if (entry.ExpiresAt <= now && entry.Counter.Tries.IsEmpty)
                {
                    unknown.TryRemove(key, out _);
                }
            }
        }
    }

    private TResult UpdateWithTries<TResult>(string customerId, Func<CredentialRecord, ImmutableDictionary<string, DateTimeOffset>, (CredentialRecord, ImmutableDictionary<string, DateTimeOffset>, TResult)> change)
    {
        if (!credentialsById.TryGetValue(customerId, out var entry))
        {
            throw new InvalidOperationException("Unknown customer.");
        }

        lock (entry)
        {
            var (updated, tries, result) = change(entry.Value, entry.Tries);
            entry.Value = updated;
            entry.Tries = tries;
            return result;
        }
    }

    private TResult Update<TResult>(string customerId, Func<CredentialRecord, (CredentialRecord, TResult)> change) =>
        Update(customerId, (_, c) => change(c));

    private static StorageUnavailableException Dropped() =>
        new("The change was settled as dropped before it could apply; nothing was changed.");

    private TResult Update<TResult>(string customerId, Func<Credentials, CredentialRecord, (CredentialRecord, TResult)> change)
    {
        if (!credentialsById.TryGetValue(customerId, out var entry))
        {
            throw new InvalidOperationException("Unknown customer.");
        }

        lock (entry)
        {
            var (updated, result) = change(entry, entry.Value);
            entry.Value = updated;
            return result;
        }
    }

    private sealed class Credentials(CredentialRecord value)
    {
        private readonly Queue<(string Id, bool Applied)> changes = new();

        public CredentialRecord Value { get; set; } = value;

        /// <summary>Login tries under way (id → lease end), beside the record so that every login step sees them under the same lock.</summary>
        public ImmutableDictionary<string, DateTimeOffset> Tries { get; set; } = LoginCounter.Empty.Tries;

        /// <summary>True if the change was applied, false if settled as dropped, null if unknown.</summary>
        public bool? Outcome(string changeId)
        {
            foreach (var (id, applied) in changes)
            {
                if (id == changeId)
                {
                    return applied;
                }
            }

            return null;
        }

        /// <summary>Attempts whose app step was used now, not yet taken by their commit (a few at most: one per used step).</summary>
        private readonly HashSet<string> stepMarks = [];

        public void MarkStep(string attemptChangeId)
        {
            if (stepMarks.Count >= ChangesRemembered)
            {
                stepMarks.Clear();
            }

            stepMarks.Add(attemptChangeId);
        }

        public bool TakeStepMark(string attemptChangeId) => stepMarks.Remove(attemptChangeId);

        public void Remember(string changeId, bool applied)
        {
            changes.Enqueue((changeId, applied));
            if (changes.Count > ChangesRemembered)
            {
                changes.Dequeue();
            }
        }
    }

    private sealed class UnknownCounter
    {
        public LoginCounter Counter { get; set; } = LoginCounter.Empty;

        public DateTimeOffset ExpiresAt { get; set; } = DateTimeOffset.MaxValue;
    }
}
