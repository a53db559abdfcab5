using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.SharedTests.Customers;

namespace Recovery.AuthServer.UnitTests.Storage;

/// <summary>The customer rules table on the in-memory provider, which applies the functions under its locks.</summary>
public sealed class InMemoryCustomerRuleContractTests : CustomerRuleContract
{
    protected override ICustomerRuleTarget CreateTarget() =>
        new StoreRuleTarget(new InMemoryCustomerStore(), new InMemoryRecoveryStore(new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero))));
}
