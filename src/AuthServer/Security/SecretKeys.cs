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
    }

    public SecretKeys(byte[] cardLookupKey, byte[] codeKey, byte[] passwordPepper, string passwordPepperId = "p1")
    {
        CardLookupKey = cardLookupKey;
        CodeKey = codeKey;
        PasswordPepper = passwordPepper;
        PasswordPepperId = passwordPepperId;
    }

    public byte[] CardLookupKey { get; }

    public byte[] CodeKey { get; }

    public byte[] PasswordPepper { get; }

    public string PasswordPepperId { get; }
}
