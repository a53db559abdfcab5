namespace Recovery.AuthServer.Passwords;

/// <summary>
/// The customer's own data that a password must not contain (a customer's are drawn from the record by
/// <c>Customers.CustomerPersonalData.Of</c>).
/// </summary>
public sealed record PersonalData(IReadOnlyList<string> Values)
{
    public static PersonalData None { get; } = new([]);
}
