using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Recovery;
using Recovery.AuthServer.Storage;

namespace Recovery.AuthServer.SharedTests.Customers;

/// <summary>The customer rules table on a provider: its customer store, and its recovery store for card blocks.</summary>
public sealed class StoreRuleTarget(ICustomerStore customers, IRecoveryStore recoveries) : ICustomerRuleTarget
{
    public const string CustomerId = "c-1";
    public const string CardHash = "card-a";

    // Every await is bounded: a hung store fails the case instead of the run.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static readonly CustomerRecord Customer = SeedCustomerRecord.With(new CardRecord("pan-hash-1", "454881", "0335", "12/28"));

    private static CancellationToken Ct => CancellationToken.None;

    public async Task SeedAsync(CredentialRecord given)
    {
        if (!await customers.AddIfAbsentAsync(Customer, given, Ct).WaitAsync(Timeout))
        {
            throw new InvalidOperationException("The customer was already there.");
        }
    }

    public async Task<object?> RunAsync(CustomerRuleStep action)
    {
        switch (action)
        {
            case CustomerRuleStep.Begin s:
                return await customers.BeginLoginAsync(LoginSubject.Customer(CustomerId), s.TryId, s.Now, s.LeaseEnd, s.Max, Ct).WaitAsync(Timeout);
            case CustomerRuleStep.Fail s:
                return await customers.FailLoginAsync(LoginSubject.Customer(CustomerId), s.TryId, s.Max, Ct).WaitAsync(Timeout);
            case CustomerRuleStep.Succeed s:
                return await customers.SucceedLoginAsync(CustomerId, s.TryId, s.FailedBefore, s.UpgradedHash, s.ExpectedVersion, Ct).WaitAsync(Timeout);
            case CustomerRuleStep.Release s:
                await customers.ReleaseLoginAsync(LoginSubject.Customer(CustomerId), s.TryId, Ct).WaitAsync(Timeout);
                return null;
            case CustomerRuleStep.Record s:
                return await customers.RecordLoginFailureAsync(CustomerId, s.Max, Ct).WaitAsync(Timeout);
            case CustomerRuleStep.Restore s:
                try
                {
                    return await customers.RestoreWithTemporaryPasswordAsync(CustomerId, s.Mac, s.ExpiresAt, s.HistoryDepth, s.ChangeId, Ct).WaitAsync(Timeout);
                }
                catch (StorageUnavailableException)
                {
                    return CustomerRuleStep.Dropped;
                }

            case CustomerRuleStep.Commit s:
                return await customers.CommitPasswordAsync(CustomerId, s.PasswordHash, s.ExpectedVersion, s.HistoryDepth, s.ChangeId, Ct).WaitAsync(Timeout);
            case CustomerRuleStep.Settle s:
                return await customers.SettleChangeAsync(CustomerId, s.ChangeId, Ct).WaitAsync(Timeout);
            case CustomerRuleStep.BlockRecovery s:
                return await customers.BlockRecoveryAsync(CustomerId, s.Now, s.FirstBlock, s.MaxBlock, Ct, s.AtLeastUntil).WaitAsync(Timeout);
            case CustomerRuleStep.BlockCard s:
                return await recoveries.BlockCardAsync(CardHash, s.Now, s.FirstBlock, s.MaxBlock, Ct, s.AtLeastUntil).WaitAsync(Timeout);
            default:
                throw new ArgumentOutOfRangeException(nameof(action), action, "A step this target does not know.");
        }
    }

    public async Task<CredentialRecord> ReadAsync() =>
        await customers.GetCredentialsAsync(CustomerId, Ct).WaitAsync(Timeout) ?? throw new InvalidOperationException("The customer is gone.");
}
