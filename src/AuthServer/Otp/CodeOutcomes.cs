using System.Globalization;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Otp;

/// <summary>How code checks and resends read as failures; shared by recoveries and operations.</summary>
public static class CodeOutcomes
{
    public static Failure ForVerify(VerifyResult result, string codeField, string closedReason) => result.Status switch
    {
        VerifyStatus.Incorrect => new Failure(FailureKind.InvalidArgument, ErrorReasons.CodeIncorrect, "The code is not correct.")
        {
            Violations = [new FieldViolation(codeField, "The code is not correct.")],
            Metadata = new Dictionary<string, string> { ["attempts_remaining"] = result.AttemptsRemaining.ToString(CultureInfo.InvariantCulture) },
        },
        VerifyStatus.Burned => new Failure(FailureKind.FailedPrecondition, ErrorReasons.CodeBurned, "Too many wrong tries for this code; request a new one."),
        VerifyStatus.Expired => new Failure(FailureKind.FailedPrecondition, ErrorReasons.CodeExpired, "The code has expired; request a new one."),
        VerifyStatus.AlreadyUsed => new Failure(FailureKind.FailedPrecondition, ErrorReasons.CodeAlreadyUsed, "The code has already been used."),
        VerifyStatus.Closed => new Failure(FailureKind.FailedPrecondition, closedReason, "Too many wrong codes; this procedure is blocked."),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result.Status, "Not a failure."),
    };

    public static Failure ForReissue(ReissueResult result, DateTimeOffset now, string notActiveReason) => result.Status switch
    {
        ReissueStatus.TooSoon => new Failure(FailureKind.ResourceExhausted, ErrorReasons.ResendTooSoon, "A new code can be requested a little later.")
        {
            RetryAfter = result.Challenge!.ResendAvailableAt - now,
        },
        ReissueStatus.LimitReached => new Failure(FailureKind.FailedPrecondition, ErrorReasons.ResendLimitReached, "No more codes can be sent for this procedure."),
        _ => new Failure(FailureKind.FailedPrecondition, notActiveReason, "This procedure no longer accepts codes."),
    };
}
