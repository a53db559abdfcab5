using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Customers;

/// <summary>
/// A recovery's temporary password: how it is kept and how it is checked, in one place for every flow (the recovery
/// installs it, the login and the change screen check it, the change refuses it as the new password).
/// </summary>
/// <remarks>
/// It is kept only as an HMAC under <c>Secrets:CodeKey</c>: it is random and long, so Argon2 would add nothing, and
/// someone reading the store learns nothing from the MAC without the key. It is compared in constant time, so the
/// time taken does not tell how much of a guess was right.
/// </remarks>
public static class TemporaryPassword
{
    /// <summary>What the store keeps of <paramref name="temporaryPassword"/>.</summary>
    public static byte[] Mac(SecretKeys keys, string temporaryPassword) => KeyedHash.Compute(keys.CodeKey, "tmp:" + temporaryPassword);

    /// <summary>Whether <paramref name="password"/> is the credentials' temporary password, whatever its lifetime.</summary>
    public static bool Matches(SecretKeys keys, CredentialRecord credentials, string password) =>
        credentials.TemporaryPasswordMac is { } mac && KeyedHash.FixedTimeEquals(mac, Mac(keys, password));

    /// <summary>A temporary password is there and its lifetime is not over.</summary>
    public static bool InForce(CredentialRecord credentials, DateTimeOffset now) =>
        credentials.TemporaryPasswordMac is not null && credentials.TemporaryPasswordExpiresAt > now;

    /// <summary>The login's view: is <paramref name="password"/> the temporary password, and does it still open the change screen.</summary>
    public static TemporaryPasswordStatus Check(SecretKeys keys, CredentialRecord credentials, string password, DateTimeOffset now)
    {
        if (credentials.TemporaryPasswordMac is null)
        {
            return TemporaryPasswordStatus.NotIssued;
        }

        if (!Matches(keys, credentials, password))
        {
            return TemporaryPasswordStatus.Wrong;
        }

        return InForce(credentials, now) ? TemporaryPasswordStatus.Valid : TemporaryPasswordStatus.Expired;
    }
}
