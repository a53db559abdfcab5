namespace Recovery.AuthServer.Customers;

/// <summary>A customer found through an index, read together with their credentials.</summary>
public sealed record CustomerWithCredentials(CustomerRecord Customer, CredentialRecord? Credentials);
