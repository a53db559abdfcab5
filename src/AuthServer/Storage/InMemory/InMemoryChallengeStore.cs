using System.Collections.Concurrent;
using System.Security.Cryptography;
using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.Storage.InMemory;

/// <summary>Challenges in process memory; each operation runs under the entry's lock, so it is atomic.</summary>
public sealed class InMemoryChallengeStore(TimeProvider time) : IChallengeStore
{
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly ExpirySweeper sweeper = new(time);

    public Task CreateAsync(Challenge challenge, CancellationToken cancellationToken)
    {
        Sweep();
        if (!entries.TryAdd(challenge.Id, new Entry(challenge)))
        {
            throw new InvalidOperationException("Challenge id collision.");
        }

        return Task.CompletedTask;
    }

    public Task<Challenge?> GetAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(entries.TryGetValue(id, out var e) ? e.Value : null);

    public Task<VerifyResult> VerifyAsync(string id, byte[] presentedMac, DateTimeOffset now, ChallengeLimits limits, CancellationToken cancellationToken, bool countWhileInactive = false)
    {
        if (!entries.TryGetValue(id, out var entry))
        {
            return Task.FromResult(new VerifyResult(VerifyStatus.NotFound));
        }

        lock (entry)
        {
            var c = entry.Value;
            switch (c.State)
            {
                case ChallengeState.Used:
                    return Task.FromResult(new VerifyResult(VerifyStatus.AlreadyUsed));
                case ChallengeState.Closed:
                    return Task.FromResult(new VerifyResult(VerifyStatus.Closed));
            }

            var usable = c.State == ChallengeState.Active && now < c.ExpiresAt;
            if (!usable && !countWhileInactive)
            {
                return Task.FromResult(new VerifyResult(c.State == ChallengeState.Burned ? VerifyStatus.Burned : VerifyStatus.Expired));
            }

            // Always compared, even when the code cannot win, so the work done does not depend on the state.
            var equal = CryptographicOperations.FixedTimeEquals(c.CodeMac, presentedMac);
            if (usable && equal)
            {
                entry.Value = c with { State = ChallengeState.Used };
                return Task.FromResult(new VerifyResult(VerifyStatus.Verified));
            }

            var codeFailures = usable ? c.CodeFailures + 1 : c.CodeFailures;
            var totalFailures = c.TotalFailures + 1;
            if (totalFailures >= limits.MaxTotalFailures)
            {
                entry.Value = c with { CodeFailures = codeFailures, TotalFailures = totalFailures, State = ChallengeState.Closed };
                return Task.FromResult(new VerifyResult(VerifyStatus.Closed, 0, JustClosed: true, Counted: true));
            }

            var burned = c.State == ChallengeState.Burned || (usable && codeFailures >= limits.MaxAttemptsPerCode);
            entry.Value = c with
            {
                CodeFailures = codeFailures,
                TotalFailures = totalFailures,
                State = burned ? ChallengeState.Burned : ChallengeState.Active,
            };
            if (countWhileInactive)
            {
                // Another factor can still sign, so the tries that matter are those left on the whole challenge.
                return Task.FromResult(new VerifyResult(VerifyStatus.Incorrect, limits.MaxTotalFailures - totalFailures, Counted: true));
            }

            return Task.FromResult(burned
                ? new VerifyResult(VerifyStatus.Burned, Counted: true)
                : new VerifyResult(VerifyStatus.Incorrect, Math.Min(limits.MaxAttemptsPerCode - codeFailures, limits.MaxTotalFailures - totalFailures), Counted: true));
        }
    }

    public Task<VerifyResult> AcceptOtherFactorAsync(string id, CancellationToken cancellationToken)
    {
        if (!entries.TryGetValue(id, out var entry))
        {
            return Task.FromResult(new VerifyResult(VerifyStatus.NotFound));
        }

        lock (entry)
        {
            switch (entry.Value.State)
            {
                case ChallengeState.Used:
                    return Task.FromResult(new VerifyResult(VerifyStatus.AlreadyUsed));
                case ChallengeState.Closed:
                    return Task.FromResult(new VerifyResult(VerifyStatus.Closed));
            }

            entry.Value = entry.Value with { State = ChallengeState.Used };
            return Task.FromResult(new VerifyResult(VerifyStatus.Verified));
        }
    }

    public Task<ReissueResult> ReissueAsync(string id, byte[] newMac, DateTimeOffset now, ChallengeLimits limits, CancellationToken cancellationToken)
    {
        if (!entries.TryGetValue(id, out var entry))
        {
            return Task.FromResult(new ReissueResult(ReissueStatus.NotFound));
        }

        lock (entry)
        {
            var c = entry.Value;
            if (c.State is ChallengeState.Used or ChallengeState.Closed)
            {
                return Task.FromResult(new ReissueResult(ReissueStatus.NotActive, c));
            }

            if (c.Resends >= limits.MaxResends)
            {
                return Task.FromResult(new ReissueResult(ReissueStatus.LimitReached, c));
            }

            if (now < c.ResendAvailableAt)
            {
                return Task.FromResult(new ReissueResult(ReissueStatus.TooSoon, c));
            }

            var updated = c with
            {
                CodeMac = newMac,
                ExpiresAt = now + limits.Lifetime,
                ResendAvailableAt = now + limits.CooldownAfter(c.Resends + 1),
                Resends = c.Resends + 1,
                CodeFailures = 0,
                State = ChallengeState.Active,
            };
            entry.Value = updated;
            return Task.FromResult(new ReissueResult(ReissueStatus.Reissued, updated));
        }
    }

    public Task<bool> CloseAsync(string id, CancellationToken cancellationToken)
    {
        if (!entries.TryGetValue(id, out var entry))
        {
            return Task.FromResult(true);
        }

        lock (entry)
        {
            if (entry.Value.State == ChallengeState.Used)
            {
                return Task.FromResult(false);
            }

            entry.Value = entry.Value with { State = ChallengeState.Closed };
            return Task.FromResult(true);
        }
    }

    // Challenges outlive their codes by a margin so that late tries answer "expired", not "not found".
    private void Sweep() => sweeper.Sweep(entries, e => e.Value.ExpiresAt + TimeSpan.FromHours(1));

    private sealed class Entry(Challenge value)
    {
        public Challenge Value { get; set; } = value;
    }
}
