using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Notifications.Sms;

namespace Recovery.AuthServer.IntegrationTests.Sms;

/// <summary>
/// Failover between a real Kannel and a Twilio-style API on loopback: a provider down, both down, a refusal, a failed
/// delivery report, and forged reports.
/// </summary>
public sealed class SmsFailoverTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private KannelGateway? kannel;
    private TwilioApiServer? twilio;

    private KannelGateway Kannel => kannel!;

    private TwilioApiServer Twilio => twilio!;

    public async Task InitializeAsync()
    {
        kannel = await KannelGateway.StartAsync();
        twilio = await TwilioApiServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (twilio is not null)
        {
            await twilio.DisposeAsync();
        }

        if (kannel is not null)
        {
            await kannel.DisposeAsync();
        }
    }

    [Fact]
    public async Task KannelStopped_CodeSmsGoesOutThroughTheSecondProvider()
    {
        await Kannel.StopAsync();
        await using var server = SmsServer.Start([SmsServer.Kannel("kannel", Kannel), SmsServer.Twilio("twilio", Twilio)]);
        var customer = DemoCustomer.Seed;

        await server.Api.StartAsync(customer).WaitAsync(Timeout);

        var sms = server.Outbox.Single(0, NotificationTemplates.RecoveryCode);
        var delivery = await server.WaitForDeliveryAsync(customer.Phone, d => d.State == SmsDeliveryState.Delivered, Timeout);
        var sent = Assert.Single(Twilio.Messages);
        Assert.Equal((customer.Phone, "+34900000000", sms.Text), (sent.To, sent.From, sent.Body));
        Assert.Equal("twilio", delivery.Provider);
        Assert.Equal(SmsDeliveryState.Unavailable, delivery.AttemptWith("kannel")!.State);
        Assert.Equal(SmsDeliveryState.Delivered, delivery.AttemptWith("twilio")!.State);
        Assert.Empty(Kannel.Received);

        // What an operator sees: the delivery, its providers and states; no text, code or number.
        var directory = new V1.DirectoryService.DirectoryServiceClient(server.Api.Channel);
        var status = await directory.GetCustomerStatusAsync(
            new V1.GetCustomerStatusRequest { CustomerId = customer.Id },
            new global::Grpc.Core.CallOptions(new global::Grpc.Core.Metadata { { "authorization", "Bearer " + SyntheticCustomer.DevAdminToken } }, DateTime.UtcNow + RecoveryApi.Deadline)).ResponseAsync.WaitAsync(Timeout);
        var shown = Assert.Single(status.RecentSmsDeliveries);
        Assert.Equal((NotificationTemplates.RecoveryCode, "twilio", V1.SmsDeliveryState.Delivered), (shown.Template, shown.Provider, shown.State));
        Assert.Equal(
            [("kannel", V1.SmsDeliveryState.Unavailable), ("twilio", V1.SmsDeliveryState.Delivered)],
            shown.Attempts.Select(a => (a.Provider, a.State)));
        Assert.DoesNotContain(sms.Values["code"], status.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(customer.Phone[3..], status.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BothDown_MessagesWaitInTheOutboxAndGoOutOnceWhenOneComesBack()
    {
        await Kannel.StopAsync();
        await Twilio.StopAsync();
        await using var server = SmsServer.Start([Fast(SmsServer.Kannel("kannel", Kannel)), Fast(SmsServer.Twilio("twilio", Twilio))]);

        await server.Api.StartAsync(DemoCustomer.Seed).WaitAsync(Timeout);
        await server.Api.StartAsync(DemoCustomer.Maria).WaitAsync(Timeout);
        var codes = server.Outbox.All.Where(n => n.Template == NotificationTemplates.RecoveryCode).Select(n => n.Values["code"]).ToList();
        Assert.Equal(2, codes.Count);

        // Tried on both, taken by neither, and still waiting (several rounds: the pause is 200 ms).
        await server.WaitForDeliveryAsync(DemoCustomer.Seed.Phone, d => d.Attempts.Count == 2 && d.Attempts.All(a => a.State == SmsDeliveryState.Unavailable), Timeout);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(SmsDeliveryState.Pending, (await server.DeliveriesToAsync(DemoCustomer.Seed.Phone))[0].State);
        Assert.True(server.Factory.Outbox.Backlog > 0);

        await Kannel.StartAgainAsync();

        foreach (var code in codes)
        {
            await Kannel.WaitForAsync(code, Timeout);
        }

        await server.WaitForDeliveryAsync(DemoCustomer.Maria.Phone, d => d.State == SmsDeliveryState.Accepted, Timeout);
        await Task.Delay(TimeSpan.FromSeconds(1)); // a duplicate would have come by now
        Assert.Equal(2, Kannel.Received.Count);
        Assert.All(codes, code => Assert.Single(Kannel.Received, m => m.Text.Contains(code, StringComparison.Ordinal)));
        Assert.Empty(Twilio.Messages);
        Assert.Equal(0, server.Factory.Outbox.Backlog);
        foreach (var phone in new[] { DemoCustomer.Seed.Phone, DemoCustomer.Maria.Phone })
        {
            var record = (await server.DeliveriesToAsync(phone))[0];
            Assert.Equal(("kannel", SmsDeliveryState.Unavailable), (record.Provider, record.AttemptWith("twilio")!.State));
        }
    }

    [Fact]
    public async Task FailedDeliveryReport_CodeSmsMovesToTheNextProviderOnce()
    {
        Twilio.ReportStatus = "undelivered";
        await using var server = SmsServer.Start([SmsServer.Twilio("twilio", Twilio), SmsServer.Kannel("kannel", Kannel)]);
        var customer = DemoCustomer.Seed;

        await server.Api.StartAsync(customer).WaitAsync(Timeout);

        var sms = server.Outbox.Single(0, NotificationTemplates.RecoveryCode);
        var routed = await Kannel.WaitForAsync(sms.Values["code"], Timeout);
        Assert.Equal(sms.Text, routed.Text);
        var delivery = await server.WaitForDeliveryAsync(customer.Phone, d => d.State == SmsDeliveryState.Accepted, Timeout);
        Assert.Equal("kannel", delivery.Provider);
        Assert.Equal(SmsDeliveryState.Failed, delivery.AttemptWith("twilio")!.State);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(Twilio.Messages);
        Assert.Single(Kannel.Received);
        Assert.Single(await server.DeliveriesToAsync(customer.Phone));
    }

    [Fact]
    public async Task ForgedStatusCallbacks_RefusedAndNothingChanged_TheSignedOneApplies()
    {
        Twilio.ReportStatus = null;
        await using var server = SmsServer.Start([SmsServer.Twilio("twilio", Twilio), SmsServer.Kannel("kannel", Kannel)]);
        var customer = DemoCustomer.Seed;
        await server.Api.StartAsync(customer).WaitAsync(Timeout);
        await server.WaitForDeliveryAsync(customer.Phone, d => d.State == SmsDeliveryState.Submitted, Timeout);
        var message = Assert.Single(Twilio.Messages);
        List<KeyValuePair<string, string>> failed =
        [
            new("MessageSid", message.Sid), new("AccountSid", TwilioApiServer.AccountSid), new("MessageStatus", "undelivered"), new("ErrorCode", "30003"),
        ];

        using var wrongToken = await Twilio.PostCallbackAsync(message.StatusCallback, failed, signingToken: "not-the-auth-token").WaitAsync(Timeout);
        using var tampered = await PostTamperedAsync(message.StatusCallback, failed).WaitAsync(Timeout);
        using var unsigned = await PostUnsignedAsync(message.StatusCallback, failed).WaitAsync(Timeout);
        var kannelUrl = message.StatusCallback.Replace("/twilio/twilio?", "/kannel/kannel?", StringComparison.Ordinal) + "&t=forged&type=2";
        using var http = new HttpClient();
        using var forgedKannel = await http.GetAsync(new Uri(kannelUrl)).WaitAsync(Timeout);

        Assert.Equal(
            [HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden],
            new[] { wrongToken.StatusCode, tampered.StatusCode, unsigned.StatusCode, forgedKannel.StatusCode });
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var unchanged = (await server.DeliveriesToAsync(customer.Phone))[0];
        Assert.Equal((SmsDeliveryState.Submitted, "twilio"), (unchanged.State, unchanged.Provider));
        Assert.Empty(Kannel.Received);

        using var signed = await Twilio.PostCallbackAsync(message.StatusCallback, [.. failed.Take(2), new("MessageStatus", "delivered")]).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        Assert.Equal(SmsDeliveryState.Delivered, (await server.DeliveriesToAsync(customer.Phone))[0].State);
    }

    [Fact]
    public async Task TwilioRefusesTheNumber_NotRetriedAndTheNextProviderSendsIt()
    {
        Twilio.Refuse = (400, 21211);
        await using var server = SmsServer.Start([SmsServer.Twilio("twilio", Twilio), SmsServer.Kannel("kannel", Kannel)]);

        await server.Api.StartAsync(DemoCustomer.Seed).WaitAsync(Timeout);

        var sms = server.Outbox.Single(0, NotificationTemplates.RecoveryCode);
        await Kannel.WaitForAsync(sms.Values["code"], Timeout);
        var delivery = await server.WaitForDeliveryAsync(DemoCustomer.Seed.Phone, d => d.Provider == "kannel", Timeout);
        Assert.Equal(SmsDeliveryState.Refused, delivery.AttemptWith("twilio")!.State);
        Assert.Equal(1, Twilio.Requests);
    }

    [Fact]
    public async Task TwilioAnswers503_RetriedWithBackoffThenTheNextProviderSendsIt()
    {
        Twilio.Refuse = (503, 20500);
        await using var server = SmsServer.Start([SmsServer.Twilio("twilio", Twilio), SmsServer.Kannel("kannel", Kannel)]);

        await server.Api.StartAsync(DemoCustomer.Seed).WaitAsync(Timeout);

        var sms = server.Outbox.Single(0, NotificationTemplates.RecoveryCode);
        await Kannel.WaitForAsync(sms.Values["code"], Timeout);
        var delivery = await server.WaitForDeliveryAsync(DemoCustomer.Seed.Phone, d => d.Provider == "kannel", Timeout);
        Assert.Equal(SmsDeliveryState.Unavailable, delivery.AttemptWith("twilio")!.State);
        Assert.Equal(3, Twilio.Requests); // the first try and MaxRetries (2) retries
    }

    [Fact]
    public async Task KannelRefusesTheCredentials_NotRetriedAndTheNextProviderSendsIt()
    {
        var wrong = SmsServer.Kannel("kannel", Kannel);
        wrong["Password"] = "not-the-password";
        await using var server = SmsServer.Start([wrong, SmsServer.Twilio("twilio", Twilio)]);

        await server.Api.StartAsync(DemoCustomer.Seed).WaitAsync(Timeout);

        var delivery = await server.WaitForDeliveryAsync(DemoCustomer.Seed.Phone, d => d.State == SmsDeliveryState.Delivered, Timeout);
        Assert.Equal(("twilio", SmsDeliveryState.Refused), (delivery.Provider, delivery.AttemptWith("kannel")!.State));
        Assert.Empty(Kannel.Received);
        Assert.Single(Twilio.Messages);
    }

    [Fact]
    public async Task FailoverRetriesAndForgedReports_NoCredentialCodeOrNumberInAnyLogLineAtAnyLevel()
    {
        await Kannel.StopAsync();
        var logs = new AllLevelsLogCapture();
        await using var server = SmsServer.Start(
            [SmsServer.Kannel("kannel", Kannel), SmsServer.Twilio("twilio", Twilio)],
            new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Trace", ["Logging:LogLevel:Microsoft"] = "Trace", ["Logging:LogLevel:System"] = "Trace", ["Logging:LogLevel:Polly"] = "Trace" },
            services: services => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));
        var customer = DemoCustomer.Seed;

        await server.Api.StartAsync(customer).WaitAsync(Timeout);
        await server.WaitForDeliveryAsync(customer.Phone, d => d.State == SmsDeliveryState.Delivered, Timeout);
        var message = Assert.Single(Twilio.Messages);
        using var forged = await Twilio.PostCallbackAsync(message.StatusCallback, [new("MessageStatus", "failed")], signingToken: "forged").WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);

        var code = server.Outbox.Single(0, NotificationTemplates.RecoveryCode).Values["code"];
        var all = string.Join("\n", logs.Lines);
        Assert.Contains("kannel", all, StringComparison.Ordinal); // the failover was logged (the capture works)
        Assert.Contains("refused", all, StringComparison.Ordinal);
        Assert.Contains(logs.Lines, line => line.StartsWith("Debug", StringComparison.Ordinal) || line.StartsWith("Trace", StringComparison.Ordinal));
        foreach (var secret in new[] { Kannel.Password, Twilio.AuthToken, TwilioApiServer.AccountSid, code, customer.Phone[3..], new Uri(message.StatusCallback).Query })
        {
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        }
    }

    // Short breaker so a provider that comes back is used again within the test's time.
    private static Dictionary<string, string> Fast(Dictionary<string, string> provider)
    {
        provider["BreakerBreakDuration"] = "00:00:00.500";
        provider["BreakerSamplingDuration"] = "00:00:01";
        return provider;
    }

    private async Task<HttpResponseMessage> PostTamperedAsync(string url, List<KeyValuePair<string, string>> fields)
    {
        // Signed for "delivered", sent as "undelivered".
        List<KeyValuePair<string, string>> signedFor = [.. fields.Take(2), new("MessageStatus", "delivered"), new("ErrorCode", "30003")];
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("X-Twilio-Signature", TwilioSignature.Compute(Twilio.AuthToken, url, signedFor));
        return await http.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> PostUnsignedAsync(string url, List<KeyValuePair<string, string>> fields)
    {
        using var http = new HttpClient();
        return await http.PostAsync(new Uri(url), new FormUrlEncodedContent(fields));
    }
}
