namespace Recovery.AuthServer.Common;

/// <summary>
/// An expected outcome that is not success: a value, not an exception. <see cref="Reason"/> is the
/// stable machine-readable code channels switch on (google.rpc.ErrorInfo.reason); <see cref="Message"/>
/// is for developers and never contains a secret or personal data.
/// </summary>
public sealed record Failure(FailureKind Kind, string Reason, string Message)
{
    public IReadOnlyList<FieldViolation> Violations { get; init; } = [];

    /// <summary>When the caller may try again (google.rpc.RetryInfo).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// Whether <see cref="RetryAfter"/> is sent to the millisecond (a prediction from a queue, often under a second)
    /// rather than rounded up to whole seconds (a limit's window, where retrying on the dot must not be refused again).
    /// Default false.
    /// </summary>
    public bool PreciseRetryAfter { get; init; }

    /// <summary>Extra non-secret facts for the channel (google.rpc.ErrorInfo.metadata).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Text the channel may show the customer as is (google.rpc.LocalizedMessage).</summary>
    public LocalizedText? CustomerMessage { get; init; }

    /// <summary>
    /// Refused for the server's own state (load shedding, a store that does not answer), not for anything in
    /// the request. Not sent to the caller; the error interceptor logs these, one line a second with a count,
    /// because they come in floods. Default false.
    /// </summary>
    public bool Shed { get; init; }

    public static Failure Invalid(IReadOnlyList<FieldViolation> violations, string reason = ErrorReasons.InvalidFields) =>
        new(FailureKind.InvalidArgument, reason, "The request has invalid fields: " + string.Join(", ", violations.Select(v => v.Field).Distinct()))
        {
            Violations = violations,
        };

    /// <summary>Explicit load shedding: the call did nothing and may be retried shortly.</summary>
    public static Failure Overloaded(string what) =>
        new(FailureKind.Unavailable, ErrorReasons.Overloaded, what + " is saturated; try again shortly.") { RetryAfter = TimeSpan.FromSeconds(1), Shed = true };

    public static Failure Invalid(string field, string description, string reason = ErrorReasons.InvalidFields) =>
        Invalid([new FieldViolation(field, description)], reason);
}
