using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Passwords;

/// <summary>
/// The Argon2 gate's two refusals, thrown as <see cref="FailureException"/> before any hashing: the call
/// did no work, so a caller that took something for it (a login try) may give it back.
/// </summary>
public static class HashingRefusals
{
    /// <summary>
    /// The gate has no room within its latency target (or its memory cap): RESOURCE_EXHAUSTED HASHING_SATURATED, RetryInfo
    /// the delay the gate predicts until there is room, to the millisecond (a queue's figure, not a limit's window).
    /// </summary>
    public static FailureException Saturated(TimeSpan retryAfter) =>
        new(new Failure(FailureKind.ResourceExhausted, ErrorReasons.HashingSaturated, "Password hashing is saturated; try again shortly.")
        {
            RetryAfter = retryAfter,
            PreciseRetryAfter = true,
            Shed = true,
        });

    /// <summary>
    /// The queue wait plus the hash would end after the caller's deadline: DEADLINE_EXCEEDED, refused without hashing,
    /// with the gate's RetryInfo when it has one (a retry with the same deadline fits once the queue ahead is shorter).
    /// </summary>
    public static FailureException Deadline(TimeSpan? retryAfter = null) =>
        new(new Failure(FailureKind.DeadlineExceeded, ErrorReasons.DeadlineExceeded, "The deadline cannot be met: password hashing is queued beyond it.")
        {
            RetryAfter = retryAfter,
            PreciseRetryAfter = true,
        });

    /// <summary>Whether <paramref name="exception"/> is one of these refusals (nothing was hashed).</summary>
    public static bool IsRefusal(Exception exception) =>
        exception is FailureException { Failure: { } failure }
        && (failure.Reason == ErrorReasons.HashingSaturated || failure.Kind == FailureKind.DeadlineExceeded);
}
