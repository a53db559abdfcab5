namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>What became of an SMS handed to the providers.</summary>
public enum SmsRouteOutcome
{
    /// <summary>A provider took it (or had it already).</summary>
    Sent,

    /// <summary>Every provider that could take it is down: it waits in the outbox and is tried again.</summary>
    Wait,

    /// <summary>Not sent and never will be: every provider refused it, or it waited too long.</summary>
    GivenUp,
}
