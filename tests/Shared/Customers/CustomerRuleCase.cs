using Recovery.AuthServer.Customers;

namespace Recovery.AuthServer.SharedTests.Customers;

/// <summary>
/// One row of the customer rules table: credentials as imported (<see cref="Given"/>), the steps taken on them in
/// order (each with the result expected), and the credentials expected afterwards (<see cref="Then"/>).
/// </summary>
public sealed record CustomerRuleCase(string Name, CredentialRecord Given, IReadOnlyList<CustomerRuleStep> Steps, CredentialRecord Then)
{
    public override string ToString() => Name;
}
