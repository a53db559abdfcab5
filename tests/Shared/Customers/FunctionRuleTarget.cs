using System.Collections.Immutable;
using Recovery.AuthServer.Customers;

namespace Recovery.AuthServer.SharedTests.Customers;

/// <summary>
/// The customer rules table on the pure functions alone: the state a store would keep (credentials, login tries under
/// way, the outcomes of changes, a card's block count) folded through <see cref="CredentialRules"/>,
/// <see cref="LoginAttempts"/> and <see cref="RecoveryBlock"/>, with no store, lock or clock.
/// </summary>
public sealed class FunctionRuleTarget : ICustomerRuleTarget
{
    private readonly Dictionary<string, bool> changes = new(StringComparer.Ordinal);
    private CredentialRecord credentials = new() { CustomerId = StoreRuleTarget.CustomerId };
    private ImmutableDictionary<string, DateTimeOffset> tries = LoginCounter.Empty.Tries;
    private int cardBlocks;

    public Task SeedAsync(CredentialRecord given)
    {
        credentials = given with { CustomerId = StoreRuleTarget.CustomerId };
        return Task.CompletedTask;
    }

    public Task<object?> RunAsync(CustomerRuleStep action) => Task.FromResult(Run(action));

    public Task<CredentialRecord> ReadAsync() => Task.FromResult(credentials);

    private object? Run(CustomerRuleStep action)
    {
        switch (action)
        {
            case CustomerRuleStep.Begin s:
                return WithCounter(c => LoginAttempts.Begin(c, s.Now, s.Max, s.TryId, s.LeaseEnd));
            case CustomerRuleStep.Fail s:
                return WithCounter(c => LoginAttempts.Fail(c, s.TryId, s.Max));
            case CustomerRuleStep.Succeed s:
                {
                    var (counter, granted) = LoginAttempts.Succeed(CredentialRules.LoginCounterOf(credentials, tries), s.TryId, s.FailedBefore);
                    tries = counter.Tries;
                    credentials = CredentialRules.EndFirstLogin(
                        CredentialRules.KeepUpgradedHash(CredentialRules.WithLoginCounter(credentials, counter), granted, s.UpgradedHash, s.ExpectedVersion), granted);
                    return granted;
                }

            case CustomerRuleStep.Release s:
                WithCounter(c => (LoginAttempts.Release(c, s.TryId), 0));
                return null;
            case CustomerRuleStep.Record s:
                return WithCounter(c => LoginAttempts.Record(c, s.Max));
            case CustomerRuleStep.Restore s:
                {
                    var transition = Apply(s.ChangeId, CredentialRules.Restore(credentials, Outcome(s.ChangeId), s.Mac, s.ExpiresAt, s.HistoryDepth));
                    return transition.Status == TransitionStatus.Dropped ? CustomerRuleStep.Dropped : transition.Credentials.Version;
                }

            case CustomerRuleStep.Commit s:
                return Apply(s.ChangeId, CredentialRules.Commit(credentials, Outcome(s.ChangeId), s.PasswordHash, s.ExpectedVersion, s.HistoryDepth)).InForce;
            case CustomerRuleStep.Settle s:
                {
                    var (applied, recordDropped) = CredentialRules.Settle(Outcome(s.ChangeId));
                    if (recordDropped)
                    {
                        changes[s.ChangeId] = false;
                    }

                    return applied;
                }

            case CustomerRuleStep.BlockRecovery s:
                {
                    var (until, lockouts) = RecoveryBlock.Escalate(credentials.RecoveryLockouts, s.Now, s.FirstBlock, s.MaxBlock, s.AtLeastUntil);
                    credentials = credentials with { RecoveryLockouts = lockouts, RecoveryBlockedUntil = until };
                    return until;
                }

            case CustomerRuleStep.BlockCard s:
                {
                    (var until, cardBlocks) = RecoveryBlock.Escalate(cardBlocks, s.Now, s.FirstBlock, s.MaxBlock, s.AtLeastUntil);
                    return until;
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(action), action, "A step this target does not know.");
        }
    }

    private TResult WithCounter<TResult>(Func<LoginCounter, (LoginCounter Counter, TResult Result)> change)
    {
        var (counter, result) = change(CredentialRules.LoginCounterOf(credentials, tries));
        tries = counter.Tries;
        credentials = CredentialRules.WithLoginCounter(credentials, counter);
        return result;
    }

    private bool? Outcome(string changeId) => changes.TryGetValue(changeId, out var applied) ? applied : null;

    private CredentialTransition Apply(string changeId, CredentialTransition transition)
    {
        if (transition.Status == TransitionStatus.Applied)
        {
            changes[changeId] = true;
        }

        credentials = transition.Credentials;
        return transition;
    }
}
