namespace Recovery.AuthServer.Cards;

/// <summary>PAN rules: 13–19 digits, Luhn-valid. Spaces and dashes as typed are ignored.</summary>
public static class CardNumber
{
    public const int MinLength = 13;
    public const int MaxLength = 19;

    /// <summary>Digits only, or null when anything but digits, spaces and dashes appears.</summary>
    public static string? Normalize(string? input)
    {
        if (input is null || input.Length > 40)
        {
            return null;
        }

        Span<char> digits = stackalloc char[40];
        var n = 0;
        foreach (var c in input)
        {
            if (char.IsAsciiDigit(c))
            {
                digits[n++] = c;
            }
            else if (c is not (' ' or '-'))
            {
                return null;
            }
        }

        return new string(digits[..n]);
    }

    public static bool PassesLuhn(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return digits.Length > 0 && sum % 10 == 0;
    }

    /// <summary><paramref name="body"/> (digits) followed by the one digit that makes it pass Luhn.</summary>
    public static string WithCheckDigit(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (body.Length == 0 || !body.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("Only digits can take a Luhn check digit.", nameof(body));
        }

        // The last digit is never doubled, so exactly one of the ten completes the sum to a multiple of 10.
        for (var d = '0'; ; d++)
        {
            if (PassesLuhn(body + d))
            {
                return body + d;
            }
        }
    }
}
