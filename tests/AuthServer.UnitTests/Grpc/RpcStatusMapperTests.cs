using Google.Rpc;
using Grpc.Core;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Grpc;
using Recovery.AuthServer.Passwords;

namespace Recovery.AuthServer.UnitTests.Grpc;

public class RpcStatusMapperTests
{
    [Theory]
    [InlineData(FailureKind.InvalidArgument, StatusCode.InvalidArgument)]
    [InlineData(FailureKind.NotFound, StatusCode.NotFound)]
    [InlineData(FailureKind.FailedPrecondition, StatusCode.FailedPrecondition)]
    [InlineData(FailureKind.PermissionDenied, StatusCode.PermissionDenied)]
    [InlineData(FailureKind.Unauthenticated, StatusCode.Unauthenticated)]
    [InlineData(FailureKind.ResourceExhausted, StatusCode.ResourceExhausted)]
    [InlineData(FailureKind.Unavailable, StatusCode.Unavailable)]
    [InlineData(FailureKind.AlreadyExists, StatusCode.AlreadyExists)]
    [InlineData(FailureKind.Aborted, StatusCode.Aborted)]
    [InlineData(FailureKind.DeadlineExceeded, StatusCode.DeadlineExceeded)]
    public void ToRpcException_EachKind_MapsToItsStatusCode(FailureKind kind, StatusCode expected)
    {
        var ex = RpcStatusMapper.ToRpcException(new Failure(kind, "SOME_REASON", "Some message."));

        Assert.Equal(expected, ex.StatusCode);
        var status = ex.GetRpcStatus();
        Assert.NotNull(status);
        Assert.Equal((int)expected, status.Code);
        Assert.Equal("Some message.", status.Message);
        Assert.Equal("Some message.", ex.Status.Detail);
    }

    [Fact]
    public void ToRpcException_EveryFailureKind_IsMappedToSomethingOtherThanInternal()
    {
        foreach (var kind in Enum.GetValues<FailureKind>())
        {
            var code = RpcStatusMapper.ToRpcException(new Failure(kind, "R", "m")).StatusCode;
            Assert.NotEqual(StatusCode.Internal, code);
            Assert.NotEqual(StatusCode.Unknown, code);
        }
    }

    [Fact]
    public void ToRpcException_CarriesErrorInfoWithReasonDomainAndMetadata()
    {
        var failure = new Failure(FailureKind.InvalidArgument, ErrorReasons.CodeIncorrect, "The code is not correct.")
        {
            Metadata = new Dictionary<string, string> { ["attempts_remaining"] = "2", ["other"] = "x" },
        };

        var info = RpcStatusMapper.ToRpcException(failure).GetRpcStatus()!.GetDetail<ErrorInfo>();

        Assert.NotNull(info);
        Assert.Equal("CODE_INCORRECT", info.Reason);
        Assert.Equal("recovery.bank", info.Domain);
        Assert.Equal("2", info.Metadata["attempts_remaining"]);
        Assert.Equal("x", info.Metadata["other"]);
        Assert.Equal(2, info.Metadata.Count);
    }

    [Fact]
    public void ToRpcException_Violations_CarriedAsBadRequestInOrder()
    {
        var failure = Failure.Invalid([
            new FieldViolation("card_number", "Is not a valid card number (check digit).", "CARD_NUMBER_LUHN"),
            new FieldViolation("card_expiry", "Must be MM/YY.", "CARD_EXPIRY_FORMAT"),
            new FieldViolation("document_id", "Required."),
        ]);

        var status = RpcStatusMapper.ToRpcException(failure).GetRpcStatus()!;
        var badRequest = status.GetDetail<BadRequest>();

        Assert.NotNull(badRequest);
        Assert.Equal(
            [
                ("card_number", "Is not a valid card number (check digit).", "CARD_NUMBER_LUHN"),
                ("card_expiry", "Must be MM/YY.", "CARD_EXPIRY_FORMAT"),
                ("document_id", "Required.", string.Empty),
            ],
            badRequest.FieldViolations.Select(v => (v.Field, v.Description, v.Reason)));
        Assert.Equal(ErrorReasons.InvalidFields, status.GetDetail<ErrorInfo>()!.Reason);
        Assert.Equal("The request has invalid fields: card_number, card_expiry, document_id", status.Message);
    }

    [Fact]
    public void ToRpcException_NoViolationsNoRetry_OnlyErrorInfo()
    {
        var status = RpcStatusMapper.ToRpcException(new Failure(FailureKind.NotFound, ErrorReasons.RecoveryNotFound, "m")).GetRpcStatus()!;

        Assert.Single(status.Details);
        Assert.Null(status.GetDetail<BadRequest>());
        Assert.Null(status.GetDetail<RetryInfo>());
        Assert.Null(status.GetDetail<LocalizedMessage>());
    }

    [Theory]
    [InlineData(20_000, 20)]
    [InlineData(20_200, 21)] // rounded up: retrying on the dot must not be refused again
    [InlineData(1, 1)]
    [InlineData(0, 0)]
    [InlineData(-5_000, 0)]
    public void ToRpcException_RetryAfter_CarriedAsRetryInfoInWholeSecondsRoundedUp(int milliseconds, int seconds)
    {
        var failure = new Failure(FailureKind.ResourceExhausted, ErrorReasons.RateLimited, "Slow down.")
        {
            RetryAfter = TimeSpan.FromMilliseconds(milliseconds),
        };

        var retry = RpcStatusMapper.ToRpcException(failure).GetRpcStatus()!.GetDetail<RetryInfo>();

        Assert.NotNull(retry);
        Assert.Equal(TimeSpan.FromSeconds(seconds), retry.RetryDelay.ToTimeSpan());
    }

    [Theory]
    [InlineData(750.0, 750)]
    [InlineData(412.3, 413)] // rounded up to the millisecond, not to the second
    [InlineData(2_500.0, 2_500)]
    public void ToRpcException_PreciseRetryAfter_CarriedToTheMillisecond(double milliseconds, int sent)
    {
        var failure = HashingRefusals.Saturated(TimeSpan.FromMilliseconds(milliseconds)).Failure;

        var retry = RpcStatusMapper.ToRpcException(failure).GetRpcStatus()!.GetDetail<RetryInfo>();

        Assert.True(failure.PreciseRetryAfter);
        Assert.NotNull(retry);
        Assert.Equal(TimeSpan.FromMilliseconds(sent), retry.RetryDelay.ToTimeSpan());
    }

    [Fact]
    public void ToRpcException_CustomerMessage_CarriedAsLocalizedMessage()
    {
        var failure = new Failure(FailureKind.FailedPrecondition, ErrorReasons.RecoveryBlocked, "m")
        {
            CustomerMessage = new LocalizedText("es-ES", "Llama al 950 183 313."),
        };

        var message = RpcStatusMapper.ToRpcException(failure).GetRpcStatus()!.GetDetail<LocalizedMessage>();

        Assert.NotNull(message);
        Assert.Equal(("es-ES", "Llama al 950 183 313."), (message.Locale, message.Message));
    }

    [Fact]
    public void Simple_CarriesCodeAndErrorInfo()
    {
        var ex = RpcStatusMapper.Simple(StatusCode.DeadlineExceeded, ErrorReasons.DeadlineExceeded, "Too slow.");

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        var info = ex.GetRpcStatus()!.GetDetail<ErrorInfo>()!;
        Assert.Equal((ErrorReasons.DeadlineExceeded, ErrorReasons.Domain), (info.Reason, info.Domain));
    }
}
