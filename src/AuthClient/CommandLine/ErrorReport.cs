namespace Recovery.Client.CommandLine;

/// <summary>Writes why a step failed, in a shape that reads well in a CI log.</summary>
internal static class ErrorReport
{
    public static void Write(TextWriter error, string step, Exception exception, string? hint = null, string? server = null)
    {
        if (hint is null && server is not null && exception is RecoveryClientException { StatusCode: Grpc.Core.StatusCode.Unavailable })
        {
            hint = $"is the server running and reachable at {server}?";
        }

        error.WriteLine($"error: step \"{step}\" failed");
        if (exception is RecoveryClientException rpc)
        {
            error.WriteLine($"  call: {rpc.Operation ?? "?"}");
            error.WriteLine($"  status: {rpc.StatusCode}");
            error.WriteLine($"  reason: {rpc.Reason ?? "(none)"}{(rpc.Domain is null ? string.Empty : $" (domain {rpc.Domain})")}");
            if (!string.IsNullOrWhiteSpace(rpc.StatusDetail))
            {
                error.WriteLine($"  message: {rpc.StatusDetail}");
            }

            foreach (var (key, value) in rpc.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                error.WriteLine($"  metadata: {key}={value}");
            }

            if (rpc.FieldViolations.Count > 0)
            {
                error.WriteLine("  field violations:");
                foreach (var violation in rpc.FieldViolations)
                {
                    error.WriteLine($"    - {violation.Field}: {violation.Description}");
                }
            }

            if (rpc.RetryAfter is { } delay)
            {
                error.WriteLine($"  retry after: {RecoveryClientException.FormatDelay(delay)}");
            }
        }
        else
        {
            error.WriteLine($"  {exception.Message}");
        }

        if (hint is not null)
        {
            error.WriteLine($"  hint: {hint}");
        }
    }
}
