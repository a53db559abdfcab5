using System.Collections.Concurrent;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.Storage.InMemory;

/// <summary>Authenticators in process memory; each change runs under the customer's entry lock, so it is atomic.</summary>
/// <param name="customers">Read for the credentials version a save may require (<see cref="SavePendingAsync"/>).</param>
public sealed class InMemoryAuthenticatorStore(ICustomerStore customers) : IAuthenticatorStore
{
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

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

    private sealed class Entry
    {
        public Authenticator? Pending { get; set; }

        public Authenticator? Confirmed { get; set; }
    }
}
