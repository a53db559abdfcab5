using Recovery.AuthServer.Customers;

namespace Recovery.AuthServer.SharedTests.Customers;

/// <summary>What the customer rules table runs on: the pure functions, or a provider's stores.</summary>
public interface ICustomerRuleTarget
{
    /// <summary>Starts from <paramref name="given"/> as the credentials of customer <c>c-1</c>, and no card block.</summary>
    Task SeedAsync(CredentialRecord given);

    /// <summary>Takes the step and returns its result, in the form <see cref="CustomerRuleStep.Expected"/> describes.</summary>
    Task<object?> RunAsync(CustomerRuleStep action);

    /// <summary>The credentials of customer <c>c-1</c> now.</summary>
    Task<CredentialRecord> ReadAsync();
}
