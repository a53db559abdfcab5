using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Captcha;

namespace Recovery.AuthServer.SharedTests.Storage;

/// <summary>What every <see cref="ICaptchaReplayStore"/> provider must do; run once per provider by a sealed subclass.</summary>
public abstract class CaptchaReplayStoreContract
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    protected static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);
    protected static readonly string Token = StoreContractSecrets.Mac("captcha-token-1");

    private ICaptchaReplayStore? store;

    protected FakeTimeProvider Time { get; } = new(Start);

    protected ICaptchaReplayStore Store => store ??= CreateStore(Time);

    protected static CancellationToken Ct => CancellationToken.None;

    protected abstract ICaptchaReplayStore CreateStore(TimeProvider time);

    protected Task<bool> UseAsync(string? token = null, TimeSpan? lifetime = null) =>
        Store.TryUseAsync(token ?? Token, Time.GetUtcNow(), lifetime ?? Lifetime, Ct).Within();

    [Fact]
    public async Task TryUseAsync_SameTokenTwice_FirstOnlyOnce()
    {
        Assert.True(await UseAsync());
        Assert.False(await UseAsync());
        Assert.True(await UseAsync(StoreContractSecrets.Mac("captcha-token-2")));
    }

    [Fact]
    public async Task TryUseAsync_FiftyParallelCallers_ExactlyOneFirst()
    {
        Assert.True(await UseAsync(StoreContractSecrets.Mac("warm-up"))); // create the store (and connect) once, before the race

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => UseAsync()))).Within();

        Assert.Equal(1, results.Count(first => first));
    }
}
