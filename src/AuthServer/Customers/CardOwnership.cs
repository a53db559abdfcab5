using Recovery.AuthServer.Cards;

namespace Recovery.AuthServer.Customers;

/// <summary>
/// Whether a customer holds a card, in one place for every flow that proves possession (a recovery's start, the call
/// centre's check before a code is given by voice) and for the stores that find a customer by card.
/// </summary>
/// <remarks>
/// Cards are known only by the keyed hash of their number (<see cref="CardLookup"/>), never the number. Possession
/// needs the expiry printed on the card as well: a card number alone can leak (a receipt, a breach), the pair less so.
/// </remarks>
public static class CardOwnership
{
    /// <summary>The customer has a card with this keyed hash (whatever its expiry).</summary>
    public static bool HasCard(CustomerRecord customer, string panHash) =>
        customer.Cards.Any(c => string.Equals(c.PanHash, panHash, StringComparison.Ordinal));

    /// <summary>The customer has this card, with this expiry.</summary>
    public static bool Holds(CustomerRecord? customer, string panHash, CardExpiry expiry)
    {
        var printed = expiry.ToString();
        return customer is not null &&
            customer.Cards.Any(c => string.Equals(c.PanHash, panHash, StringComparison.Ordinal) && string.Equals(c.Expiry, printed, StringComparison.Ordinal));
    }
}
