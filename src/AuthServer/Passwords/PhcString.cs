using System.Globalization;

namespace Recovery.AuthServer.Passwords;

/// <summary>
/// An Argon2id hash in PHC string format:
/// <c>$argon2id$v=19$m=19456,t=2,p=1,keyid=p1$&lt;salt&gt;$&lt;hash&gt;</c> (base64 without padding).
/// <c>keyid</c> names the pepper, so that it can rotate.
/// </summary>
public sealed record PhcString(int MemoryKib, int Iterations, int Parallelism, string KeyId, byte[] Salt, byte[] Hash)
{
    private const string Prefix = "$argon2id$v=19$";

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}m={MemoryKib},t={Iterations},p={Parallelism},keyid={KeyId}${B64(Salt)}${B64(Hash)}");

    public static bool TryParse(string? text, out PhcString? phc)
    {
        phc = null;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal) || text.Length > 512)
        {
            return false;
        }

        var parts = text[Prefix.Length..].Split('$');
        if (parts.Length != 3)
        {
            return false;
        }

        int m = 0, t = 0, p = 0;
        var keyId = string.Empty;
        foreach (var pair in parts[0].Split(','))
        {
            var kv = pair.Split('=', 2);
            if (kv.Length != 2)
            {
                return false;
            }

            var ok = kv[0] switch
            {
                "m" => int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out m),
                "t" => int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out t),
                "p" => int.TryParse(kv[1], NumberStyles.None, CultureInfo.InvariantCulture, out p),
                "keyid" => (keyId = kv[1]).Length > 0,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        // Bounds stop a planted hash from making a verify allocate gigabytes or spin for minutes: no
        // stored hash may cost more than the server could ever be configured to produce (Argon2Options'
        // maxima), so a hash above them was not written by this server and is a failed check, not an
        // allocation. Lower costs stay readable: hashes imported from an older system upgrade at login.
        if (m is < 8 or > Argon2Options.MaxMemoryKib || t is < 1 or > Argon2Options.MaxIterations ||
            p is < 1 or > Argon2Options.MaxParallelism)
        {
            return false;
        }

        var salt = FromB64(parts[1]);
        var hash = FromB64(parts[2]);
        if (salt is not { Length: >= 8 } || hash is not { Length: >= 16 })
        {
            return false;
        }

        phc = new PhcString(m, t, p, keyId, salt, hash);
        return true;
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static byte[]? FromB64(string s)
    {
        var padded = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
        try
        {
            return Convert.FromBase64String(padded);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
