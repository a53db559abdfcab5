using System.Diagnostics.CodeAnalysis;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Grpc;

public static class OutcomeExtensions
{
    /// <summary>The value, or the failure handed to the error-mapping interceptor (as a <see cref="FailureException"/>).</summary>
    public static T Unwrap<T>(this Outcome<T> outcome) => outcome.IsSuccess ? outcome.Value : Throw<T>(outcome.Failure);

    [DoesNotReturn]
    public static T Throw<T>(Failure failure) => throw new FailureException(failure);

    [DoesNotReturn]
    public static void Throw(Failure failure) => throw new FailureException(failure);
}
