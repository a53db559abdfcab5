using Microsoft.Extensions.DependencyInjection;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications.Sms;

namespace Recovery.AuthServer.IntegrationTests.Sms;

/// <summary>
/// An in-process server whose SMS go through real providers (on the system clock: the resilience pipelines' timeouts
/// and breakers run on it), with its delivery report listener on a free loopback port.
/// </summary>
internal sealed class SmsServer : IAsyncDisposable
{
    private SmsServer(RecoveryServerFactory factory, int reportPort)
    {
        Factory = factory;
        ReportPort = reportPort;
        Api = new RecoveryApi(global::Grpc.Net.Client.GrpcChannel.ForAddress(
            factory.Server.BaseAddress, new global::Grpc.Net.Client.GrpcChannelOptions { HttpHandler = factory.Server.CreateHandler() }));
    }

    public RecoveryServerFactory Factory { get; }

    public RecoveryApi Api { get; }

    public int ReportPort { get; }

    public RecordingOutbox Outbox => Factory.Outbox;

    public ISmsDeliveryStore Deliveries => Factory.Services.GetRequiredService<ISmsDeliveryStore>();

    /// <param name="providers">Each provider's settings below <c>Notifications:Sms:Providers:i</c>, in failover order.</param>
    public static SmsServer Start(IReadOnlyList<IReadOnlyDictionary<string, string>> providers, IReadOnlyDictionary<string, string>? settings = null, (string Configuration, string KeyPrefix)? redis = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        var reportPort = LoopbackPorts.Free();
        var all = new Dictionary<string, string>
        {
            ["Notifications:Sms:DeliveryReports:Urls"] = $"http://127.0.0.1:{reportPort}",
            ["Notifications:Sms:RetryPause"] = "00:00:00.200",
        };
        for (var i = 0; i < providers.Count; i++)
        {
            foreach (var (key, value) in providers[i])
            {
                all[$"Notifications:Sms:Providers:{i}:{key}"] = value;
            }
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        var factory = new RecoveryServerFactory(new ServerOptions(FakeTime: false, Redis: redis, Settings: all, Services: services));
        _ = factory.Server; // start it, and with it the dispatcher and the report listener
        return new SmsServer(factory, reportPort);
    }

    public static Dictionary<string, string> Kannel(string name, KannelGateway kannel) => new()
    {
        ["Name"] = name,
        ["Dialect"] = "Kannel",
        ["BaseUrl"] = kannel.BaseUrl,
        ["From"] = "BANCO",
        ["Username"] = KannelGateway.Username,
        ["Password"] = kannel.Password,
        ["AttemptTimeout"] = "00:00:02",
        ["RetryDelay"] = "00:00:00.050",
    };

    public static Dictionary<string, string> Twilio(string name, TwilioApiServer twilio) => new()
    {
        ["Name"] = name,
        ["Dialect"] = "Twilio",
        ["BaseUrl"] = twilio.BaseAddress.ToString(),
        ["From"] = "+34900000000",
        ["Username"] = TwilioApiServer.AccountSid,
        ["Password"] = twilio.AuthToken,
        ["AttemptTimeout"] = "00:00:02",
        ["RetryDelay"] = "00:00:00.050",
    };

    /// <summary>The latest delivery records to <paramref name="phone"/>, newest first.</summary>
    public Task<IReadOnlyList<SmsDelivery>> DeliveriesToAsync(string phone) =>
        Deliveries.RecentAsync(Factory.Services.GetRequiredService<SmsFailover>().PhoneKey(phone), CancellationToken.None).WaitAsync(RecoveryApi.Timeout);

    /// <summary>Waits until the newest delivery to <paramref name="phone"/> satisfies <paramref name="condition"/>.</summary>
    public async Task<SmsDelivery> WaitForDeliveryAsync(string phone, Func<SmsDelivery, bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        SmsDelivery? last = null;
        while (DateTime.UtcNow < until)
        {
            var recent = await DeliveriesToAsync(phone);
            last = recent.Count > 0 ? recent[0] : null;
            if (last is not null && condition(last))
            {
                return last;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The delivery record did not reach the expected state within {timeout}; last seen: {last?.State} via {last?.Provider} ({string.Join(", ", last?.Attempts.Select(a => $"{a.Provider}={a.State}") ?? [])}).");
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await Factory.DisposeAsync().AsTask().WaitAsync(RecoveryApi.Timeout);
    }
}
