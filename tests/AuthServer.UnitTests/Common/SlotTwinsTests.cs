using System.Globalization;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.UnitTests.Common;

public sealed class SlotTwinsTests
{
    [Theory]
    // Redis Cluster's own figures: CLUSTER KEYSLOT foo is 12182, somekey 11058; CRC-16/XMODEM of "123456789" is 0x31C3.
    [InlineData("foo", 12182)]
    [InlineData("somekey", 11058)]
    [InlineData("123456789", 0x31C3)]
    public void SlotOf_KnownKeys_TheSlotRedisClusterGivesThem(string group, int slot) =>
        Assert.Equal(slot, SlotTwins.SlotOf(group));

    [Fact]
    public void TwinOf_EveryCustomerGroup_AShortTagOfTheSameSlotThatDoesNotNameTheCustomer()
    {
        foreach (var customerId in new[] { "c-1", "12345678", "Z9x_-Qk", "ñandú" })
        {
            var group = "c:" + customerId;
            var tag = SlotTwins.Tag(SlotTwins.TwinOf(group));

            Assert.Equal(SlotTwins.SlotOf(group), SlotTwins.SlotOf(tag));
            Assert.DoesNotContain(customerId, tag, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TwinOf_EverySlot_TheFirstTagOfThatSlotWithinSixDigits()
    {
        // Walk the tags in order: the first one seen for a slot is its twin, and every slot has one below 10^6.
        var seen = new HashSet<int>();
        for (var n = 0; seen.Count < SlotTwins.Slots; n++)
        {
            Assert.True(n < 1_000_000);
            var tag = SlotTwins.Tag(n);
            if (seen.Add(SlotTwins.SlotOf(tag)))
            {
                Assert.Equal(n, SlotTwins.TwinOf(tag));
            }
        }

        Assert.Equal("o:" + 42.ToString(CultureInfo.InvariantCulture), SlotTwins.Tag(42));
    }

    [Fact]
    public void IdIn_AnyGroup_SixDigitsOfItsTwinThenTheTokenAndReadBack()
    {
        const string Token = "AAAAAAAAAAAAAAAAAAAAAA";
        var id = SlotTwins.IdIn("c:12345678", Token);

        Assert.Equal(SlotTwins.TwinOf("c:12345678").ToString("D6", CultureInfo.InvariantCulture) + "_" + Token, id);
        Assert.True(SlotTwins.TryTwinOfId(id, Token.Length, out var twin));
        Assert.Equal(SlotTwins.TwinOf("c:12345678"), twin);
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA")] // an id of the earlier layout: the token alone
    [InlineData("01234_AAAAAAAAAAAAAAAAAAAAAAA")] // five digits
    [InlineData("012345-AAAAAAAAAAAAAAAAAAAAAA")] // no underscore
    [InlineData("+12345_AAAAAAAAAAAAAAAAAAAAAA")] // a sign is not a digit
    [InlineData("012345_AAAAAAAAAAAAAAAAAAAAA")] // a token one short
    [InlineData("")]
    public void TryTwinOfId_NotThisLayout_False(string id) =>
        Assert.False(SlotTwins.TryTwinOfId(id, 22, out _));
}
