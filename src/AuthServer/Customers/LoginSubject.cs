namespace Recovery.AuthServer.Customers;

/// <summary>
/// Whose login tries are counted: a customer (its credentials), or a user code no customer has, kept under
/// a keyed hash of the code for <see cref="Lifetime"/> after its last try so that it answers like a real one.
/// </summary>
public sealed record LoginSubject(string Key, bool IsCustomer, TimeSpan Lifetime)
{
    public static LoginSubject Customer(string customerId) => new(customerId, true, TimeSpan.Zero);

    /// <param name="userCodeHash">Keyed hash of the normalised user code; never the code in clear.</param>
    public static LoginSubject Unknown(string userCodeHash, TimeSpan lifetime) => new(userCodeHash, false, lifetime);
}
