using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.Cards;

/// <summary>
/// The keyed hash under which a card is stored and found. A plain SHA-256 of a PAN is reversible by
/// enumeration (the space is small); an HMAC with a server key is not, without the key.
/// </summary>
public sealed class CardLookup(SecretKeys keys)
{
    public string HashOf(string digits) => KeyedHash.ComputeHex(keys.CardLookupKey, "pan:" + digits);
}
