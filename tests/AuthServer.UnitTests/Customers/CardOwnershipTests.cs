using Recovery.AuthServer.Cards;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.SharedTests.Customers;

namespace Recovery.AuthServer.UnitTests.Customers;

public class CardOwnershipTests
{
    private static readonly CustomerRecord Customer = SeedCustomerRecord.With(new CardRecord("hash-a", "454881", "0335", "12/28"), new CardRecord("hash-b", "540375", "1015", "03/27"));

    [Theory]
    [InlineData("hash-a", 2028, 12, true)]
    [InlineData("hash-b", 2027, 3, true)]
    [InlineData("hash-a", 2027, 3, false)] // another of the customer's cards' expiry
    [InlineData("hash-a", 2028, 11, false)]
    [InlineData("HASH-A", 2028, 12, false)] // keyed hashes compare exactly
    [InlineData("hash-c", 2028, 12, false)]
    public void Holds_CardAndExpiry_OnlyTheExactPair(string panHash, int year, int month, bool expected)
    {
        Assert.Equal(expected, CardOwnership.Holds(Customer, panHash, new CardExpiry(year, month)));
    }

    [Fact]
    public void Holds_NoCustomer_False()
    {
        Assert.False(CardOwnership.Holds(null, "hash-a", new CardExpiry(2028, 12)));
    }

    [Fact]
    public void HasCard_ByKeyedHashWhateverTheExpiry()
    {
        Assert.True(CardOwnership.HasCard(Customer, "hash-b"));
        Assert.False(CardOwnership.HasCard(Customer, "hash-c"));
        Assert.False(CardOwnership.HasCard(Customer with { Cards = [] }, "hash-a"));
    }
}
