using Recovery.AuthServer.Customers;

namespace Recovery.AuthServer.UnitTests.Storage;

public class RecoveryBlockTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(4, 16)]
    [InlineData(5, 24)]
    [InlineData(60, 24)]
    [InlineData(int.MaxValue, 24)]
    public void Duration_DoublesFromFirstBlockUpToTheMaximum(int previousLockouts, int hours)
    {
        Assert.Equal(TimeSpan.FromHours(hours), RecoveryBlock.Duration(previousLockouts, TimeSpan.FromHours(1), TimeSpan.FromHours(24)));
    }
}
