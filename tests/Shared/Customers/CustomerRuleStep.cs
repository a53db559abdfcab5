using Recovery.AuthServer.Customers;

namespace Recovery.AuthServer.SharedTests.Customers;

/// <summary>
/// One action of a <see cref="CustomerRuleCase"/> on customer <c>c-1</c> (or the card <c>card-a</c>), with the time it
/// happens at where the rule depends on time, and the result the table expects of it.
/// </summary>
public abstract record CustomerRuleStep
{
    /// <summary>The result of a restore whose change was settled as dropped (the store throws <c>StorageUnavailableException</c>).</summary>
    public const string Dropped = "dropped";

    /// <summary>What the step returns: a <see cref="LoginTryStart"/>, a <see cref="LoginFailure"/>, a bool, a version (long), an instant, <see cref="Dropped"/> or null.</summary>
    public object? Expected { get; init; }

    public CustomerRuleStep Gives(object? expected) => this with { Expected = expected };

    /// <summary><see cref="ICustomerStore.BeginLoginAsync"/>; <see cref="LoginAttempts.Begin"/>.</summary>
    public sealed record Begin(string TryId, DateTimeOffset Now, DateTimeOffset LeaseEnd, int Max) : CustomerRuleStep;

    /// <summary><see cref="ICustomerStore.FailLoginAsync"/>; <see cref="LoginAttempts.Fail"/>.</summary>
    public sealed record Fail(string TryId, int Max) : CustomerRuleStep;

    /// <summary><see cref="ICustomerStore.SucceedLoginAsync"/>; <see cref="LoginAttempts.Succeed"/> and <see cref="CredentialRules.KeepUpgradedHash"/>.</summary>
    public sealed record Succeed(string TryId, int FailedBefore, string? UpgradedHash, long ExpectedVersion) : CustomerRuleStep;

    /// <summary><see cref="ICustomerStore.ReleaseLoginAsync"/>; <see cref="LoginAttempts.Release"/>.</summary>
    public sealed record Release(string TryId) : CustomerRuleStep;

    /// <summary><see cref="ICustomerStore.RecordLoginFailureAsync"/>; <see cref="LoginAttempts.Record"/>.</summary>
    public sealed record Record(int Max) : CustomerRuleStep;

    /// <summary><see cref="ICustomerStore.RestoreWithTemporaryPasswordAsync"/>; <see cref="CredentialRules.Restore"/>.</summary>
    public sealed record Restore(byte[] Mac, DateTimeOffset ExpiresAt, int HistoryDepth, string ChangeId) : CustomerRuleStep;

    /// <summary><see cref="ICustomerStore.CommitPasswordAsync"/>; <see cref="CredentialRules.Commit"/>.</summary>
    public sealed record Commit(string PasswordHash, long ExpectedVersion, int HistoryDepth, string ChangeId) : CustomerRuleStep;

    /// <summary><see cref="ICustomerStore.SettleChangeAsync"/>; <see cref="CredentialRules.Settle"/>.</summary>
    public sealed record Settle(string ChangeId) : CustomerRuleStep;

    /// <summary><see cref="ICustomerStore.BlockRecoveryAsync"/>; <see cref="RecoveryBlock.Escalate"/> on the customer's lockouts.</summary>
    public sealed record BlockRecovery(DateTimeOffset Now, TimeSpan FirstBlock, TimeSpan MaxBlock, DateTimeOffset? AtLeastUntil) : CustomerRuleStep;

    /// <summary>The recovery store's <c>BlockCardAsync</c> on <c>card-a</c>; <see cref="RecoveryBlock.Escalate"/> on the card's count.</summary>
    public sealed record BlockCard(DateTimeOffset Now, TimeSpan FirstBlock, TimeSpan MaxBlock, DateTimeOffset? AtLeastUntil) : CustomerRuleStep;
}
