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
        var violations = new List<FieldViolation>();
        var digits = CardNumber.Normalize(number);
        if (digits is null || digits.Length is < CardNumber.MinLength or > CardNumber.MaxLength)
        {
            violations.Add(new(numberField, $"Must be {CardNumber.MinLength}-{CardNumber.MaxLength} digits.", "CARD_NUMBER_LENGTH"));
        }
        else if (!CardNumber.PassesLuhn(digits))
        {
            violations.Add(new(numberField, "Is not a valid card number (check digit).", "CARD_NUMBER_LUHN"));
        }
        else if (!options.Value.IssuerPrefixes.Any(p => digits.StartsWith(p, StringComparison.Ordinal)))
        {
            violations.Add(new(numberField, "Must be a card of this bank (starting with " + string.Join(" or ", options.Value.IssuerPrefixes) + ").", "CARD_ISSUER"));
        }

        if (!CardExpiry.TryParse(expiry, out var parsed))
        {
            violations.Add(new(expiryField, "Must be MM/YY.", "CARD_EXPIRY_FORMAT"));
        }
        else if (parsed.IsPast(time.GetUtcNow()))
        {
            violations.Add(new(expiryField, "The card has expired.", "CARD_EXPIRED"));
        }

        return violations.Count == 0 ? new CardCheck(digits!, parsed) : Failure.Invalid(violations);
    }
}
