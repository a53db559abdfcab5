namespace Recovery.AuthServer.Common;

/// <summary>
/// The server's own meter, <c>Recovery.AuthServer</c>. Each owner creates its instruments on it through
/// <see cref="System.Diagnostics.Metrics.IMeterFactory"/> (as ASP.NET Core's hosting and Kestrel metrics do): the gRPC
/// layer its RPC outcomes, the admission and Argon2 gates their gauges, the dispatcher the outbox backlog, the audit
/// log its steps, SMS delivery its counters. Observability only exports it. No tag ever holds a customer id, card,
/// code or token.
/// </summary>
public static class RecoveryMeter
{
    public const string Name = "Recovery.AuthServer";
}
