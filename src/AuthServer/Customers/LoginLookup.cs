namespace Recovery.AuthServer.Customers;

/// <summary>
/// Whom a login's user code names and the try taken for it (<see cref="ICustomerStore.BeginLoginByUserCodeAsync"/>):
/// the customer with its credentials, or no one (<see cref="Customer"/> null) with the try taken on the unknown
/// user code's own counter.
/// </summary>
/// <param name="Subject">Whose try was taken: the customer's, or the unknown user code's.</param>
public sealed record LoginLookup(CustomerRecord? Customer, CredentialRecord? Credentials, LoginSubject Subject, LoginTryStart Start);
