using Recovery.AuthServer.Notifications;

namespace Recovery.AuthServer.UnitTests.Notifications;

public sealed class NotificationOptionsTests
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(4, true)]
    [InlineData(64, true)]
    [InlineData(65, false)]
    [InlineData(-1, false)]
    public void Validate_DispatchConcurrency_OneToSixtyFour(int concurrency, bool valid)
    {
        // The generated validator the host runs on start (ValidateOnStart), not a reflection stand-in.
        var result = new ValidateNotificationOptions().Validate(null, new NotificationOptions { DispatchConcurrency = concurrency });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains(nameof(NotificationOptions.DispatchConcurrency), result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Defaults_FourDispatchLoops()
    {
        Assert.Equal(4, new NotificationOptions().DispatchConcurrency);
    }
}
