namespace Recovery.AuthServer.Hosting;

/// <summary>What <c>AuthServer --help</c> prints.</summary>
public static class HelpText
{
    public const string Text = """
        AuthServer: Recovery's gRPC authentication server (credential recovery with card, SMS and signed password change).

        Usage:
          dotnet run --project src/AuthServer [-- options]
          AuthServer [options]
          AuthServer argon2 calibrate --target-ms N [--engine Auto|Libsodium|Konscious]
                                      Measure this machine and print Argon2id settings (m, t, p=1) that hash
                                      within N ms, never below OWASP's minimum (m=19456 KiB, t=2, p=1).

        Options:
          --urls URL[;URL]            Where to listen (default http://127.0.0.1:5000 with `dotnet run`).
                                      http:// endpoints speak HTTP/2 cleartext (h2c) for gRPC clients and load tools;
                                      https:// needs Kestrel:Certificates:Default:Path (and :Password).
          --environment NAME          Development (dev secrets, demo directory, dev captcha) or Production.
          --Section:Key=value         Any configuration key, e.g. --Notifications:DevSink:Path=/tmp/sink.jsonl
          -h, --help                  Show this help.

        Configuration (appsettings.json, environment variables with __ for :, or --Key=value):
          Secrets:CardLookupKey, Secrets:CodeKey, Secrets:PasswordPepper   base64, >= 32 bytes; required outside Development
          Notifications:DevSink:Path  Append every SMS/e-mail as a JSON line here (Development only)
          Captcha:DevelopmentToken    Token the development captcha accepts (default dev-ok)
          Cards:IssuerPrefixes        Accepted card prefixes (default 4, 5)
          Passwords:Argon2:Engine     Auto (default: libsodium if it loads, else Konscious), Libsodium or Konscious
          Passwords:Argon2:MaxConcurrency, :MaxQueue   Hashes at once (default: cores) and waiting (default 64 × that)
          Passwords:Argon2:LatencyTarget  Longest predicted wait a hash is still admitted with (default 00:00:00.5)
          Admission:MaxInFlight       Calls in progress per node at most (default 2000); more are shed with UNAVAILABLE
          Storage:Provider            InMemory (default, one process) or Redis (any number of nodes)
          Storage:Redis:Configuration StackExchange.Redis string, e.g. 127.0.0.1:6379 (Sentinel: serviceName=…)
          Channels:Tokens:NAME:N      Bearer token(s) of channel NAME (web, mobile, ivr, …) for RecoveryService and
                                      AccessService (base64, >= 32 bytes); required outside Development
          Directory:AdminTokens       Bearer tokens for DirectoryService (base64, >= 32 bytes)
          CallCentre:Tokens           Bearer tokens of the call-centre desktop for CallCentreService (base64, >= 32 bytes);
                                      calls also name the agent in x-agent-id
          OTEL_EXPORTER_OTLP_ENDPOINT Push metrics (meter Recovery.AuthServer, ASP.NET Core, runtime) and traces (gRPC
                                      server, outgoing HTTP, Redis; no secret in any span) over OTLP;
                                      without it, read metrics with dotnet-counters
          Observability:Prometheus:Urls  Serve /metrics for Prometheus on a port of its own, e.g. http://127.0.0.1:9464
          Otp:*, Passwords:*, RateLimits:*, Recovery:*, Access:*, Idempotency:*   See docs/configuration.md

        Exit code 2: the configuration is refused; every problem is printed on standard error, one line each.

        Services: recovery.v1.RecoveryService, recovery.v1.AccessService (channel token),
                  recovery.v1.DirectoryService (admin token), recovery.v1.CallCentreService (call-centre token + agent),
                  grpc.health.v1.Health, server reflection.
        """;

    public static bool IsRequested(string[] args) => args.Any(a => a is "--help" or "-h" or "-?" or "help");
}
