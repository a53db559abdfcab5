using Google.Rpc;
using Grpc.Core;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>A refused call with its google.rpc details decoded (ErrorInfo, BadRequest, RetryInfo).</summary>
internal sealed record RpcError(
    StatusCode StatusCode,
    string Reason,
    string Domain,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<BadRequest.Types.FieldViolation> FieldViolations,
    TimeSpan? RetryDelay)
{
    /// <summary>Runs <paramref name="call"/>, which must fail with an <see cref="RpcException"/>, and decodes it.</summary>
    public static async Task<RpcError> FromAsync(Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(call);
        var status = ex.GetRpcStatus();
        Assert.NotNull(status);
        Assert.Equal((int)ex.StatusCode, status.Code);
        var info = status.GetDetail<ErrorInfo>();
        Assert.NotNull(info);
        var badRequest = status.GetDetail<BadRequest>();
        var retry = status.GetDetail<RetryInfo>();
        return new RpcError(
            ex.StatusCode,
            info.Reason,
            info.Domain,
            new Dictionary<string, string>(info.Metadata),
            badRequest?.FieldViolations.ToArray() ?? [],
            retry?.RetryDelay?.ToTimeSpan());
    }

    public IEnumerable<string> Fields => FieldViolations.Select(v => v.Field);

    /// <summary>The one violation of <paramref name="field"/>.</summary>
    public BadRequest.Types.FieldViolation Violation(string field) => Assert.Single(FieldViolations, v => v.Field == field);

    /// <summary>Asserts the status code and the ErrorInfo reason, the pair every channel switches on.</summary>
    public RpcError Is(StatusCode statusCode, string reason)
    {
        Assert.Equal((statusCode, reason), (StatusCode, Reason));
        Assert.Equal("recovery.bank", Domain);
        return this;
    }
}
