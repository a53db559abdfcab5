using Recovery.AuthServer.Captcha;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.AuthServer.UnitTests.Storage;

public sealed class InMemoryCaptchaReplayStoreContractTests : CaptchaReplayStoreContract
{
    protected override ICaptchaReplayStore CreateStore(TimeProvider time) => new InMemoryCaptchaReplayStore(time);

    [Fact]
    public async Task TryUseAsync_AfterTheLifetime_ForgottenAndFirstAgain()
    {
        Assert.True(await UseAsync());

        Time.Advance(Lifetime + TimeSpan.FromSeconds(1));

        Assert.True(await UseAsync());
    }
}
