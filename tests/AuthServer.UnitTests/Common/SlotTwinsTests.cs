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
}
