namespace Recovery.AuthServer.Common;

/// <summary>Masks destinations exactly as the seed screens show them.</summary>
public static class Masking
{
    private const string Stars = "*****";

    /// <summary><c>sbarrios@ebcc.es</c> → <c>sb*****@ebcc.es</c>. A fixed number of stars hides the length.</summary>
    public static string Email(string email)
    {
        var at = email.LastIndexOf('@');
        if (at <= 0)
        {
            return Stars;
        }

        var local = email[..at];
        var shown = local.Length > 2 ? local[..2] : local[..1];
        return shown + Stars + email[at..];
    }

    /// <summary><c>+34612345331</c> → <c>+34 - 6*****331</c>: country code, first and last three digits.</summary>
    public static string Phone(string e164)
    {
        var (country, national) = SplitPhone(e164);
        if (national.Length < 5)
        {
            return Stars;
        }

        var prefix = country.Length > 0 ? "+" + country + " - " : string.Empty;
        return prefix + national[0] + Stars + national[^3..];
    }

    /// <summary>The last three digits of the mobile (screen 6: "acabado en 032").</summary>
    public static string PhoneLastDigits(string e164)
    {
        var digits = new string(e164.Where(char.IsAsciiDigit).ToArray());
        return digits.Length >= 3 ? digits[^3..] : digits;
    }

    /// <summary>First 6 and last 4 digits of a PAN, the rest hidden (PCI DSS display rule).</summary>
    public static string Pan(string digits) =>
        digits.Length < 13 ? "****" : digits[..6] + new string('*', digits.Length - 10) + digits[^4..];

    // Spanish numbers are the common case; other countries are masked with a 2-digit country code guess,
    // which only affects display.
    private static (string Country, string National) SplitPhone(string e164)
    {
        var digits = new string(e164.Where(char.IsAsciiDigit).ToArray());
        if (!e164.TrimStart().StartsWith('+'))
        {
            return (string.Empty, digits);
        }

        var countryLength = digits.StartsWith('1') || digits.StartsWith('7') ? 1 : 2;
        return digits.Length > countryLength ? (digits[..countryLength], digits[countryLength..]) : (string.Empty, digits);
    }
}
