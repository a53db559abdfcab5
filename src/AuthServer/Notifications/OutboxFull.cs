using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Notifications;

/// <summary>
/// The one answer to a full outbox, whether a flow's room check finds it
/// (<see cref="NotificationOutboxExtensions.EnsureRoomFor"/>) or a write races past that check into a full
/// outbox (either provider): UNAVAILABLE <c>OVERLOADED</c>, RetryInfo 1 s, thrown as a
/// <see cref="FailureException"/> having queued and changed nothing.
/// </summary>
public static class OutboxFull
{
    public static Failure Refusal { get; } = Failure.Overloaded("Message delivery");

    public static FailureException Exception() => new(Refusal, "The notification outbox is full.");

    /// <summary>Whether <paramref name="exception"/> is this refusal (and not, say, a store that did not answer).</summary>
    public static bool Is(Exception exception) =>
        exception is FailureException { Failure.Reason: ErrorReasons.Overloaded };
}
