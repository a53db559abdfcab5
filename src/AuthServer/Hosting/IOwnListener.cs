namespace Recovery.AuthServer.Hosting;

/// <summary>
/// A listener of its own beside the gRPC server (the Prometheus scrape endpoint, the SMS delivery reports): bound by
/// <see cref="StartupValidation"/> before the host starts, so that an address already taken is reported like a
/// configuration error (one line, exit code 2) rather than as the host's failure with a stack trace.
/// </summary>
public interface IOwnListener
{
    /// <summary>Binds and starts; returns what went wrong (one line naming the setting), or null. Idempotent.</summary>
    Task<string?> TryStartAsync(CancellationToken cancellationToken);
}
