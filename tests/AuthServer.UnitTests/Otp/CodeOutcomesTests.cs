using Recovery.AuthServer.Common;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Otp;

public class CodeOutcomesTests
{
    [Fact]
    public void ForVerify_Incorrect_InvalidArgumentWithAttemptsRemainingAndField()
    {
        var failure = CodeOutcomes.ForVerify(new VerifyResult(VerifyStatus.Incorrect, 2), "sms_code", ErrorReasons.RecoveryBlocked);

        Assert.Equal(FailureKind.InvalidArgument, failure.Kind);
        Assert.Equal(ErrorReasons.CodeIncorrect, failure.Reason);
        Assert.Equal("2", failure.Metadata["attempts_remaining"]);
        Assert.Equal("sms_code", Assert.Single(failure.Violations).Field);
    }

    [Theory]
    [InlineData(VerifyStatus.Burned, ErrorReasons.CodeBurned)]
    [InlineData(VerifyStatus.Expired, ErrorReasons.CodeExpired)]
    [InlineData(VerifyStatus.AlreadyUsed, ErrorReasons.CodeAlreadyUsed)]
    [InlineData(VerifyStatus.Closed, ErrorReasons.RecoveryBlocked)]
    public void ForVerify_OtherFailures_FailedPreconditionWithReason(VerifyStatus status, string reason)
    {
        var failure = CodeOutcomes.ForVerify(new VerifyResult(status), "sms_code", ErrorReasons.RecoveryBlocked);

        Assert.Equal(FailureKind.FailedPrecondition, failure.Kind);
        Assert.Equal(reason, failure.Reason);
    }

    [Fact]
    public void ForVerify_Verified_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CodeOutcomes.ForVerify(new VerifyResult(VerifyStatus.Verified), "c", "r"));
    }

    [Fact]
    public void ForReissue_LimitReached_FailedPrecondition()
    {
        var failure = CodeOutcomes.ForReissue(new ReissueResult(ReissueStatus.LimitReached), TestClock.Start, ErrorReasons.RecoveryNotOpen);

        Assert.Equal((FailureKind.FailedPrecondition, ErrorReasons.ResendLimitReached), (failure.Kind, failure.Reason));
        Assert.Null(failure.RetryAfter);
    }

    [Fact]
    public void ForReissue_NotActive_UsesTheGivenReason()
    {
        var failure = CodeOutcomes.ForReissue(new ReissueResult(ReissueStatus.NotActive), TestClock.Start, ErrorReasons.OperationNotPending);

        Assert.Equal((FailureKind.FailedPrecondition, ErrorReasons.OperationNotPending), (failure.Kind, failure.Reason));
    }
}
