using System.Collections.Concurrent;
using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.Storage.InMemory;

/// <summary>Authenticators in process memory; each change runs under the customer's entry lock, so it is atomic.</summary>
public sealed class InMemoryAuthenticatorStore : IAuthenticatorStore
{
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    public Task<DateTimeOffset?> SavePendingAsync(Authenticator pending, TimeSpan cooldown, CancellationToken cancellationToken)
    {
        var entry = entries.GetOrAdd(pending.CustomerId, _ => new Entry());
        lock (entry)
        {
            if (entry.Pending is { } earlier && pending.CreatedAt < earlier.ExpiresAt && earlier.CreatedAt + cooldown > pending.CreatedAt)
            {
                return Task.FromResult<DateTimeOffset?>(earlier.CreatedAt + cooldown);
            }

            entry.Pending = pending;
        }

        return Task.FromResult<DateTimeOffset?>(null);
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
