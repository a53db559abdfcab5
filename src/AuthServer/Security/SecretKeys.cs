using Microsoft.Extensions.Options;

namespace Recovery.AuthServer.Security;

/// <summary>The decoded server secrets. Never logged, never part of an exception message.</summary>
public sealed class SecretKeys
{
    public SecretKeys(IOptions<SecretsOptions> options)
    {
        var o = options.Value;
        CardLookupKey = Convert.FromBase64String(o.CardLookupKey);
        CodeKey = Convert.FromBase64String(o.CodeKey);
        PasswordPepper = Convert.FromBase64String(o.PasswordPepper);
        PasswordPepperId = o.PasswordPepperId;
        var peppers = o.PreviousPasswordPeppers.ToDictionary(p => p.Key, p => Convert.FromBase64String(p.Value), StringComparer.Ordinal);
        peppers[PasswordPepperId] = PasswordPepper;
        PasswordPeppers = peppers;
    }

    public SecretKeys(byte[] cardLookupKey, byte[] codeKey, byte[] passwordPepper, string passwordPepperId = "p1")
    {
        CardLookupKey = cardLookupKey;
        CodeKey = codeKey;
        PasswordPepper = passwordPepper;
        PasswordPepperId = passwordPepperId;
        PasswordPeppers = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [passwordPepperId] = passwordPepper };
    }

    public SecretKeys(byte[] cardLookupKey, byte[] codeKey, byte[] passwordPepper, string passwordPepperId, IReadOnlyDictionary<string, byte[]> previousPeppers)
        : this(cardLookupKey, codeKey, passwordPepper, passwordPepperId)
    {
        PasswordPeppers = previousPeppers.Append(new(passwordPepperId, passwordPepper)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }

    public byte[] CardLookupKey { get; }

    public byte[] CodeKey { get; }

    public byte[] PasswordPepper { get; }

    public string PasswordPepperId { get; }

    /// <summary>Every pepper a stored hash may name: the current one and the retired ones.</summary>
    public IReadOnlyDictionary<string, byte[]> PasswordPeppers { get; }
}
