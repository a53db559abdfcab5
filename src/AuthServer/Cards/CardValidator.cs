using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Cards;

/// <summary>
/// Format rules of a card as the customer types it. Whether the card belongs to anyone is never
/// decided here: that answer must not leak (see RecoveryFlow).
/// </summary>
public sealed class CardValidator(IOptions<CardOptions> options, TimeProvider time)
{
    public Outcome<CardCheck> Validate(string? number, string? expiry, string numberField = "card_number", string expiryField = "card_expiry")
    {
        // The list is made only for a bad card: a good one (every StartRecovery that goes on) allocates nothing here.
        List<FieldViolation>? violations = null;
        var digits = CardNumber.Normalize(number);
        if (digits is null || digits.Length is < CardNumber.MinLength or > CardNumber.MaxLength)
        {
            (violations ??= []).Add(new(numberField, $"Must be {CardNumber.MinLength}-{CardNumber.MaxLength} digits.", "CARD_NUMBER_LENGTH"));
        }
        else if (!CardNumber.PassesLuhn(digits))
        {
            (violations ??= []).Add(new(numberField, "Is not a valid card number (check digit).", "CARD_NUMBER_LUHN"));
        }
        else if (!IsOurs(digits))
        {
            (violations ??= []).Add(new(numberField, "Must be a card of this bank (starting with " + string.Join(" or ", options.Value.IssuerPrefixes) + ").", "CARD_ISSUER"));
        }

        if (!CardExpiry.TryParse(expiry, out var parsed))
        {
            (violations ??= []).Add(new(expiryField, "Must be MM/YY.", "CARD_EXPIRY_FORMAT"));
        }
        else if (parsed.IsPast(time.GetUtcNow()))
        {
            (violations ??= []).Add(new(expiryField, "The card has expired.", "CARD_EXPIRED"));
        }

        return violations is null ? new CardCheck(digits!, parsed) : Failure.Invalid(violations);
    }

    private bool IsOurs(string digits)
    {
        foreach (var prefix in options.Value.IssuerPrefixes)
        {
            if (digits.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
