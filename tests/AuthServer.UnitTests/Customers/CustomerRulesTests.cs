using Recovery.AuthServer.SharedTests.Customers;

namespace Recovery.AuthServer.UnitTests.Customers;

/// <summary>The customer rules table on the pure functions (CredentialRules, LoginAttempts, RecoveryBlock).</summary>
public sealed class CustomerRulesTests : CustomerRuleContract
{
    protected override ICustomerRuleTarget CreateTarget() => new FunctionRuleTarget();
}
