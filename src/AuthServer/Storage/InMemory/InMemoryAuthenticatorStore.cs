using System.Collections.Concurrent;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.Storage.InMemory;

/// <summary>Authenticators in process memory; each change runs under the customer's entry lock, so it is atomic.</summary>
/// <param name="customers">
/// Read for the credentials version a save may require (<see cref="SavePendingAsync"/>); its memory of changes holds the
/// outcome of each SMS-code step (<see cref="ConfirmWithSmsCodeAsync"/>), as the Redis script writes the change's fence.
/// </param>
/// <param name="challenges">The challenges of enrolment SMS codes (<see cref="ConfirmWithSmsCodeAsync"/>).</param>
/// <param name="ledger">The wrong-code ledger their tries are taken from.</param>
public sealed class InMemoryAuthenticatorStore(InMemoryCustomerStore customers, IChallengeStore challenges, IWrongCodeLedger ledger) : IAuthenticatorStore, IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    // One SMS-code step at a time on this node, so that the take, the code, the settle and the confirmation are one
    // atomic step as the Redis script is (a try is never seen pending by another). In memory a step takes microseconds.
    private readonly SemaphoreSlim smsCodeSteps = new(1, 1);

    public async Task<PendingSave> SavePendingAsync(Authenticator pending, TimeSpan cooldown, long? credentialVersion, CancellationToken cancellationToken)
    {
        // The version is read just before the entry lock, not under it (the credentials have locks of their own): a
        // change landing between the two is one that lands just after the save, which the confirmation's own session
        // check refuses. On Redis the check runs in the save's script.
        if (credentialVersion is { } required && (await customers.GetCredentialsAsync(pending.CustomerId, cancellationToken))?.Version != required)
        {
            return new PendingSave(PendingSaveStatus.StaleCredentials);
        }

        var entry = entries.GetOrAdd(pending.CustomerId, _ => new Entry());
        lock (entry)
        {
            if (entry.Pending is { } earlier && pending.CreatedAt < earlier.ExpiresAt && earlier.CreatedAt + cooldown > pending.CreatedAt)
            {
                return new PendingSave(PendingSaveStatus.TooSoon, earlier.CreatedAt + cooldown);
            }

            entry.Pending = pending;
        }

        return new PendingSave(PendingSaveStatus.Saved);
    }

    public Task<Authenticator?> GetPendingAsync(string customerId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!entries.TryGetValue(customerId, out var entry))
        {
            return Task.FromResult<Authenticator?>(null);
        }

        lock (entry)
        {
            return Task.FromResult(entry.Pending is { } p && now < p.ExpiresAt ? p : null);
        }
    }

    public Task<Authenticator?> GetConfirmedAsync(string customerId, CancellationToken cancellationToken)
    {
        if (!entries.TryGetValue(customerId, out var entry))
        {
            return Task.FromResult<Authenticator?>(null);
        }

        lock (entry)
        {
            return Task.FromResult(entry.Confirmed);
        }
    }

    public Task<VerifyResult> ConfirmAsync(string customerId, string enrollmentId, long? matchedStep, int maxFailures, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!entries.TryGetValue(customerId, out var entry))
        {
            return Task.FromResult(new VerifyResult(VerifyStatus.NotFound));
        }

        lock (entry)
        {
            var p = entry.Pending;
            if (p is null || p.Id != enrollmentId || !(now < p.ExpiresAt))
            {
                return Task.FromResult(new VerifyResult(VerifyStatus.NotFound));
            }

            if (matchedStep is { } step)
            {
                entry.Confirmed = p with { ExpiresAt = null, Failures = 0, LastUsedStep = step };
                entry.Pending = null;
                return Task.FromResult(new VerifyResult(VerifyStatus.Verified));
            }

            var failures = p.Failures + 1;
            if (failures >= maxFailures)
            {
                entry.Pending = null;
                return Task.FromResult(new VerifyResult(VerifyStatus.Closed, 0, JustClosed: true));
            }

            entry.Pending = p with { Failures = failures };
            return Task.FromResult(new VerifyResult(VerifyStatus.Incorrect, maxFailures - failures));
        }
    }

    public async Task<(CodeTry Sms, VerifyResult? Enrolment)> ConfirmWithSmsCodeAsync(EnrollmentSmsCode code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(code);
        await smsCodeSteps.WaitAsync(cancellationToken);
        try
        {
            // A change settled already is refused before anything is taken (the Redis script's fence). In memory nothing
            // but the flow settles a change, after this step, so this only keeps the two providers' contract the same.
            if (customers.IsChangeSettled(code.CustomerId, code.ChangeId))
            {
                throw new StorageUnavailableException("The change was settled as dropped before it could apply; nothing was changed.");
            }

            // Not cancellable once begun, as on Redis where the script runs whole.
            var none = CancellationToken.None;
            var take = await ledger.TakeAsync([code.Scope], code.Token, code.WrongCodeLimit, code.Window, code.Now, none);
            if (!take.Granted)
            {
                await challenges.CloseAsync(code.ChallengeId, none);
                customers.RecordChange(code.CustomerId, code.ChangeId, applied: false);
                return (new CodeTry(new VerifyResult(VerifyStatus.Closed), Exhausted: true, FullUntil: take.FreesAt), null);
            }

            var sms = await challenges.VerifyAsync(code.ChallengeId, code.PresentedMac, code.Now, code.Limits, none);
            var settled = await ledger.SettleAsync([code.Scope], code.Token, sms.Counted, code.WrongCodeLimit, code.Window, code.Now, none);
            if (settled.JustFilled)
            {
                await challenges.CloseAsync(code.ChallengeId, none);
            }

            var enrolment = sms.Status == VerifyStatus.Verified
                ? await ConfirmAsync(code.CustomerId, code.EnrollmentId, code.MatchedStep, code.MaxEnrollmentFailures, code.Now, none)
                : (VerifyResult?)null;
            customers.RecordChange(code.CustomerId, code.ChangeId, applied: enrolment?.Status == VerifyStatus.Verified);
            return (new CodeTry(sms, JustFilled: settled.JustFilled, FullUntil: settled.FullUntil), enrolment);
        }
        finally
        {
            smsCodeSteps.Release();
        }
    }

    public Task<bool> TryUseStepAsync(string customerId, string authenticatorId, long timeStep, CancellationToken cancellationToken)
    {
        if (!entries.TryGetValue(customerId, out var entry))
        {
            return Task.FromResult(false);
        }

        lock (entry)
        {
            if (entry.Confirmed is not { } c || c.Id != authenticatorId || timeStep <= c.LastUsedStep)
            {
                return Task.FromResult(false);
            }

            entry.Confirmed = c with { LastUsedStep = timeStep };
            return Task.FromResult(true);
        }
    }

    public async Task<bool> TryUseStepAndGiveBackAsync(
        string customerId, string authenticatorId, long timeStep, WrongCodeUnit unit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unit);
        CustomerScopes.ThrowUnlessIn(customerId, unit.Scopes);

        // The step's use, then the unit given back, in the order the Redis script runs them: in one process nothing can
        // fail between the two. Not cancellable once begun, as the script runs whole.
        var used = await TryUseStepAsync(customerId, authenticatorId, timeStep, CancellationToken.None);
        await ledger.SettleAsync(unit.Scopes, unit.Token, counted: false, unit.Limit, unit.Window, now, CancellationToken.None);
        return used;
    }

    public void Dispose() => smsCodeSteps.Dispose();

    private sealed class Entry
    {
        public Authenticator? Pending { get; set; }

        public Authenticator? Confirmed { get; set; }
    }
}
