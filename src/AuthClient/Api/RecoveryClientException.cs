using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;

namespace Recovery.Client;

/// <summary>
/// A failed call to the Recovery server, with the google.rpc details the server attached
/// (ErrorInfo, BadRequest, RetryInfo) already decoded. The original <see cref="RpcException"/>
/// is the <see cref="Exception.InnerException"/>.
/// </summary>
public sealed class RecoveryClientException : Exception
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    public RecoveryClientException()
        : this("The call to the Recovery server failed.")
    {
    }

    public RecoveryClientException(string message)
        : this(message, null)
    {
    }

    public RecoveryClientException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Metadata = NoMetadata;
        FieldViolations = [];
        StatusDetail = message;
    }

    private RecoveryClientException(
        string message, RpcException inner, string? operation, string? reason, string? domain,
        IReadOnlyDictionary<string, string> metadata, IReadOnlyList<FieldViolation> violations, TimeSpan? retryAfter)
        : base(message, inner)
    {
        Operation = operation;
        StatusCode = inner.StatusCode;
        StatusDetail = inner.Status.Detail;
        Reason = reason;
        Domain = domain;
        Metadata = metadata;
        FieldViolations = violations;
        RetryAfter = retryAfter;
    }

    /// <summary>The RPC that failed, e.g. <c>StartRecovery</c>; null when unknown.</summary>
    public string? Operation { get; }

    /// <summary>The gRPC status code.</summary>
    public StatusCode StatusCode { get; } = StatusCode.Unknown;

    /// <summary>The status message the server sent (grpc-message).</summary>
    public string StatusDetail { get; }

    /// <summary>google.rpc.ErrorInfo.reason, e.g. <c>RATE_LIMITED</c>; null when the server sent no ErrorInfo.</summary>
    public string? Reason { get; }

    /// <summary>google.rpc.ErrorInfo.domain; null when the server sent no ErrorInfo.</summary>
    public string? Domain { get; }

    /// <summary>google.rpc.ErrorInfo.metadata; empty when absent.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The field violations of google.rpc.BadRequest; empty when absent.</summary>
    public IReadOnlyList<FieldViolation> FieldViolations { get; }

    /// <summary>google.rpc.RetryInfo.retry_delay: how long to wait before trying again; null when absent.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Decodes the google.rpc details carried by <paramref name="exception"/>.</summary>
    /// <param name="exception">The exception a generated gRPC client threw.</param>
    /// <param name="operation">The RPC name, used in <see cref="Exception.Message"/>.</param>
    public static RecoveryClientException FromRpcException(RpcException exception, string? operation = null)
    {
        ArgumentNullException.ThrowIfNull(exception);

        Google.Rpc.Status? status;
        try
        {
            status = exception.GetRpcStatus();
        }
        catch (InvalidProtocolBufferException)
        {
            // A malformed details trailer must not hide the status code the caller needs.
            status = null;
        }

        var errorInfo = status?.GetDetail<ErrorInfo>();
        var badRequest = status?.GetDetail<BadRequest>();
        var retryInfo = status?.GetDetail<RetryInfo>();

        IReadOnlyDictionary<string, string> metadata = errorInfo is null
            ? NoMetadata
            : new Dictionary<string, string>(errorInfo.Metadata, StringComparer.Ordinal);
        IReadOnlyList<FieldViolation> violations = badRequest is null
            ? []
            : [.. badRequest.FieldViolations.Select(v => new FieldViolation(v.Field, v.Description))];
        var retryAfter = retryInfo?.RetryDelay?.ToTimeSpan();
        var reason = string.IsNullOrEmpty(errorInfo?.Reason) ? null : errorInfo.Reason;
        var domain = string.IsNullOrEmpty(errorInfo?.Domain) ? null : errorInfo.Domain;

        var message = ComposeMessage(operation, exception.StatusCode, exception.Status.Detail, reason, violations, retryAfter);
        return new RecoveryClientException(message, exception, operation, reason, domain, metadata, violations, retryAfter);
    }

    private static string ComposeMessage(
        string? operation, StatusCode code, string detail, string? reason,
        IReadOnlyList<FieldViolation> violations, TimeSpan? retryAfter)
    {
        var text = new StringBuilder();
        text.Append(operation ?? "Call").Append(" failed: ").Append(code);
        if (reason is not null)
        {
            text.Append(" (").Append(reason).Append(')');
        }

        if (!string.IsNullOrWhiteSpace(detail))
        {
            text.Append(": ").Append(detail.TrimEnd('.')).Append('.');
        }
        else
        {
            text.Append('.');
        }

        if (violations.Count > 0)
        {
            text.Append(" Field violations: ").AppendJoin("; ", violations).Append('.');
        }

        if (retryAfter is { } delay)
        {
            text.Append(" Retry after ").Append(FormatDelay(delay)).Append('.');
        }

        return text.ToString();
    }

    internal static string FormatDelay(TimeSpan delay) =>
        delay.TotalSeconds.ToString(delay.TotalSeconds < 10 ? "0.#" : "0", CultureInfo.InvariantCulture) + " s";
}
