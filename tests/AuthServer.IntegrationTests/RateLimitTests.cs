using System.Globalization;
using Grpc.Core;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.V1;

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

    [Fact]
    public async Task StartRecovery_ThirtyFirstFromSameClientAddress_RateLimited()
    {
        // Different cards and documents each time, so only the per-address rule (30 per hour) can refuse.
        for (var i = 0; i < 30; i++)
        {
            await StartFromAsync("203.0.113.7", i);
        }

        var error = await RefusedAsync(() => StartFromAsync("203.0.113.7", 30));
        await StartFromAsync("203.0.113.8", 31);

        error.Is(StatusCode.ResourceExhausted, "RATE_LIMITED");
        Assert.NotNull(error.RetryDelay);
        Assert.Empty(Outbox.All);
    }

    private Task<StartRecoveryResponse> StartFromAsync(string clientAddress, int n)
    {
        var request = new StartRecoveryRequest
        {
            CardNumber = LuhnCard("41111111" + n.ToString("D7", CultureInfo.InvariantCulture)),
            CardExpiry = "12/29",
            DocumentId = "PAB" + n.ToString("D7", CultureInfo.InvariantCulture),
            CaptchaToken = DemoCustomer.Captcha,
        };
        var headers = new Metadata { { "x-client-address", clientAddress } };
        return RecoveryApi.CallAsync(Api.Recovery.StartRecoveryAsync(request, RecoveryApi.Options().WithHeaders(headers)));
    }

    /// <summary>The 15 digits given plus the Luhn check digit.</summary>
    private static string LuhnCard(string body)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var d = body[body.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d = d * 2 > 9 ? (d * 2) - 9 : d * 2;
            }

            sum += d;
        }

        return body + ((10 - (sum % 10)) % 10).ToString(CultureInfo.InvariantCulture);
    }
}
