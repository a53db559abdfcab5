using System.Collections.Concurrent;
using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.Storage.InMemory;

/// <summary>
/// Challenges in process memory. Every rule is <see cref="ChallengeRules"/>'s: this store only applies a step
/// under the entry's lock, so each check-and-update is atomic.
/// </summary>
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

    public Task<VerifyResult> VerifyAsync(string id, byte[] presentedMac, DateTimeOffset now, ChallengeLimits limits, CancellationToken cancellationToken, bool countWhileInactive = false) =>
        Task.FromResult(Apply(id, (presentedMac, now, limits, countWhileInactive), static (c, a) => ChallengeRules.Verify(c, a.presentedMac, a.now, a.limits, a.countWhileInactive)));

    public Task<bool> VerifyIfRightAsync(string id, byte[] presentedMac, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(Apply(id, (presentedMac, now), static (c, a) => ChallengeRules.VerifyIfRight(c, a.presentedMac, a.now)));

    public Task<VerifyResult> AcceptOtherFactorAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(Apply(id, 0, static (c, _) => ChallengeRules.AcceptOtherFactor(c)));

    public Task<ReissueResult> ReissueAsync(string id, byte[] newMac, DateTimeOffset now, ChallengeLimits limits, CancellationToken cancellationToken) =>
        Task.FromResult(Apply(id, (newMac, now, limits), static (c, a) => ChallengeRules.Reissue(c, a.newMac, a.now, a.limits)));

    public Task<bool> CloseAsync(string id, CancellationToken cancellationToken) =>
        Task.FromResult(Apply(id, 0, static (c, _) => ChallengeRules.Close(c)));

    // One step of a rule, atomic under the entry's lock (an unknown id is the rule's own case). The arguments travel
    // as a state value into a static lambda, so a verify allocates no closure.
    private TResult Apply<TArgs, TResult>(string id, TArgs args, Func<Challenge?, TArgs, ChallengeStep<TResult>> rule)
    {
        if (!entries.TryGetValue(id, out var entry))
        {
            return rule(null, args).Result;
        }

        lock (entry)
        {
            var step = rule(entry.Value, args);
            if (step.Next is { } next)
            {
                entry.Value = next;
            }

            return step.Result;
        }
    }

    // Challenges outlive their codes by a margin so that late tries answer "expired", not "not found".
    private void Sweep() => sweeper.Sweep(entries, e => e.Value.ExpiresAt + TimeSpan.FromHours(1));

    private sealed class Entry(Challenge value)
    {
        public Challenge Value { get; set; } = value;
    }
}
