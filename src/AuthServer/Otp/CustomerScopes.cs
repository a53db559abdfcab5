using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Otp;

/// <summary>
/// Wrong-code scopes kept in a customer's own group (<c>{c:&lt;customer id&gt;}name</c>, <see cref="GroupedId"/>), beside the
/// customer's other records, so that one atomic step can take or give back a unit with them (on Redis, one slot).
/// </summary>
public static class CustomerScopes
{
    /// <summary>The scope <paramref name="name"/> of <paramref name="customerId"/>, in the customer's group.</summary>
    public static string Of(string name, string customerId) => GroupedId.Of(name, "c:" + customerId);

    /// <summary>A program error unless every scope is in <paramref name="customerId"/>'s group.</summary>
    /// <exception cref="ArgumentException">A scope is in another group, or in none.</exception>
    public static void ThrowUnlessIn(string customerId, IReadOnlyList<string> scopes)
    {
        foreach (var scope in scopes)
        {
            if (!GroupedId.TrySplit(scope, out _, out var group) || group != "c:" + customerId)
            {
                throw new ArgumentException("A scope is not in the customer's group.", nameof(scopes));
            }
        }
    }
}
