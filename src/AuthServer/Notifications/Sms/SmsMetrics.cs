using System.Diagnostics.Metrics;

namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>
/// SMS delivery as operators watch it (meter <c>Recovery.AuthServer</c>): each hand-over to a provider by outcome
/// (submitted, refused, unavailable, unknown), each delivery report by state, each failover and each SMS given up.
/// Tags hold provider names and states only, never a number, text or id.
/// </summary>
public sealed class SmsMetrics
{
    private readonly Counter<long> sent;
    private readonly Counter<long> reports;
    private readonly Counter<long> failovers;
    private readonly Counter<long> givenUp;

    public SmsMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(Common.RecoveryMeter.Name);
        sent = meter.CreateCounter<long>("recovery.sms.sent", "{message}",
            "SMS handed to a provider, by provider and outcome (submitted, refused, unavailable, unknown).");
        reports = meter.CreateCounter<long>("recovery.sms.reports", "{report}",
            "Delivery reports received, by provider and state (accepted, delivered, failed, ignored, forged).");
        failovers = meter.CreateCounter<long>("recovery.sms.failovers", "{message}",
            "SMS moved on to the next provider after a failed delivery report, by the provider that failed.");
        givenUp = meter.CreateCounter<long>("recovery.sms.given_up", "{message}",
            "SMS no provider took: every one refused it, or none came back within Notifications:Sms:MaxWait.");
    }

    public void Sent(string provider, string outcome) => sent.Add(1, Tag("sms.provider", provider), Tag("sms.outcome", outcome));

    public void Reported(string provider, string state) => reports.Add(1, Tag("sms.provider", provider), Tag("sms.state", state));

    public void MovedOn(string provider) => failovers.Add(1, Tag("sms.provider", provider));

    public void GivenUp() => givenUp.Add(1);

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);
}
