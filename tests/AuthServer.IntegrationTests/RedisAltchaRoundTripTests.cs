using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// <see cref="RedisRoundTripTests"/> with the self-hosted captcha (ALTCHA), whose replay guard is one more Redis write
/// in StartRecovery: the challenge costs no round trip, and StartRecovery with a solved one is counted.
/// </summary>
public sealed class RedisAltchaRoundTripTests : IntegrationTest, IClassFixture<RedisServerFixture>
{
    private readonly RedisTripProxy proxy;

    public RedisAltchaRoundTripTests(RedisServerFixture fixture)
        : this(RedisTripProxy.Start(fixture.Server))
    {
    }

    private RedisAltchaRoundTripTests(RedisTripProxy proxy)
        : base(new ServerOptions(
            FakeTime: false,
            Redis: (proxy.Configuration, RedisServerFixture.UniquePrefix()),
            Services: RedisTripProxy.WithoutBackgroundReaders,
            Settings: new Dictionary<string, string>
            {
                ["Captcha:Provider"] = "Altcha",
                ["Captcha:Altcha:HmacKey"] = CaptchaAltchaTests.HmacKey,
                ["Captcha:Altcha:MaxNumber"] = CaptchaAltchaTests.MaxNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
            })) =>
        this.proxy = proxy;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await proxy.DisposeAsync();
    }

    [Fact]
    public async Task CreateCaptchaChallenge_NoRoundTrip()
    {
        await ChallengeAsync();

        Assert.Equal(0, (await proxy.CountAsync(ChallengeAsync)).Count);
    }

    [Fact]
    public async Task StartRecovery_SolvedChallenge_AtMostFour()
    {
        await Api.StartAsync(DemoCustomer.Seed.Card, DemoCustomer.Seed.Expiry, DemoCustomer.Seed.Document, await SolvedAsync());
        var payload = await SolvedAsync();

        var trips = await proxy.CountAsync(() => Api.StartAsync(DemoCustomer.Seed.Card, DemoCustomer.Seed.Expiry, DemoCustomer.Seed.Document, payload));

        // The token's first use is recorded before the rate limits are charged, so that a replayed token cannot spend a
        // card's recoveries: one trip more than with a captcha that keeps no state.
        Assert.True(trips.Count <= 4, trips.ToString());
    }

    private Task<CreateCaptchaChallengeResponse> ChallengeAsync() =>
        RecoveryApi.CallAsync(Api.Recovery.CreateCaptchaChallengeAsync(new CreateCaptchaChallengeRequest(), RecoveryApi.Options()));

    private async Task<string> SolvedAsync() => Client.AltchaSolver.Solve(await ChallengeAsync()) ?? throw new InvalidOperationException("No solution.");
}
