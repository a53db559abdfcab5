using Grpc.Core;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>Scenario 12: the shipped limits on opening recoveries (5 per card and per document per hour).</summary>
public sealed class RateLimitTests() : IntegrationTest(new ServerOptions(DefaultRateLimits: true))
{
    [Fact]
    public async Task StartRecovery_SixthForSameCardWithinHour_RateLimitedWithRetryInfoAndNoSms()
    {
        for (var i = 0; i < 5; i++)
        {
            await StartAsync(DemoCustomer.Seed);
        }

        var mark = Outbox.Count;

        var error = await RefusedAsync(() => Api.StartAsync(DemoCustomer.Seed));

        error.Is(StatusCode.ResourceExhausted, "RATE_LIMITED");
        Assert.NotNull(error.RetryDelay);
        Assert.InRange(error.RetryDelay.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.Empty(Outbox.Since(mark));
        Assert.Equal(5, Outbox.All.Count(n => n.Template == NotificationTemplates.RecoveryCode));

        // The advice is honest: once the delay has passed, the card may start a recovery again.
        Time.Advance(error.RetryDelay.Value);
        await StartAsync(DemoCustomer.Seed);
    }

    [Fact]
    public async Task StartRecovery_SixthForUnknownCard_RateLimitedLikeKnownCard()
    {
        for (var i = 0; i < 5; i++)
        {
            await Api.StartAsync("4111111111111111", "12/29", "00000000T");
        }

        var error = await RefusedAsync(() => Api.StartAsync("4111111111111111", "12/29", "00000000T"));

        error.Is(StatusCode.ResourceExhausted, "RATE_LIMITED");
        Assert.NotNull(error.RetryDelay);
        Assert.Empty(Outbox.All);
    }

    [Fact]
    public async Task StartRecovery_SixthForSameDocumentWithOtherCards_RateLimited()
    {
        string[] cards = ["4111111111111111", "4000000000000002", "5555555555554444", "4012888888881881", "5105105105105100"];
        foreach (var card in cards)
        {
            await Api.StartAsync(card, "12/29", DemoCustomer.Seed.Document);
        }

        var mark = Outbox.Count;

        var error = await RefusedAsync(() => Api.StartAsync(DemoCustomer.Seed));

        error.Is(StatusCode.ResourceExhausted, "RATE_LIMITED");
        Assert.Empty(Outbox.Since(mark));
    }

    [Fact]
    public async Task StartRecovery_RefusedRequests_ConsumeNoRateLimit()
    {
        var seed = DemoCustomer.Seed;
        for (var i = 0; i < 10; i++)
        {
            await RefusedAsync(() => Api.StartAsync(seed.Card, seed.Expiry, seed.Document, "not-a-robot"));
            await RefusedAsync(() => Api.StartAsync(seed.Card, "13/29", seed.Document));
            await RefusedAsync(() => Api.StartAsync(seed.Card, seed.Expiry, "12345678A"));
        }

        for (var i = 0; i < 5; i++)
        {
            await StartAsync(seed);
        }

        Assert.Equal(5, Outbox.All.Count);
    }
}
