using System.Diagnostics;
using System.Text.RegularExpressions;
using OpenTelemetry;

namespace Recovery.AuthServer.Observability;

/// <summary>
/// Runs on every span before it is exported and keeps only attributes on an allow-list, so that no PAN, document,
/// phone, e-mail, code, password or token can leave in a span whatever an instrumentation library (or a new version
/// of one) decides to record: a request's body is never recorded by the instrumentations, and a query string (an SMS
/// gateway's <c>sendsms?password=…&amp;to=…&amp;text=…</c>), a header, a Redis key or script, an exception message
/// or a status text is dropped here.
/// </summary>
public sealed partial class SpanScrubber : BaseProcessor<Activity>
{
    // Why an allow-list: a deny-list misses the attribute nobody thought of. These say what was called and how it
    // ended (method, route, gRPC method and status, peer address and port, Redis command name), never with what.
    private static readonly HashSet<string> Allowed = new(StringComparer.Ordinal)
    {
        "http.request.method", "http.request.method_original", "http.response.status_code", "http.route",
        "http.request.resend_count", "url.scheme", "url.path", "url.full", "server.address", "server.port",
        "network.protocol.name", "network.protocol.version", "network.transport", "network.type",
        "network.peer.address", "network.peer.port", "net.peer.name", "net.peer.port",
        "rpc.system", "rpc.service", "rpc.method", "rpc.grpc.status_code", "grpc.method", "grpc.status_code",
        "error.type", "db.system", "db.system.name", "db.statement", "db.query.text", "db.operation.name",
        "db.redis.flags", "db.redis.database_index", "db.namespace", "peer.service",
    };

    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        List<string>? dropped = null;
        foreach (var tag in data.TagObjects)
        {
            if (!Allowed.Contains(tag.Key))
            {
                (dropped ??= []).Add(tag.Key);
            }
        }

        foreach (var key in dropped ?? [])
        {
            data.SetTag(key, null);
        }

        if (data.GetTagItem("url.full") is string full)
        {
            data.SetTag("url.full", WithoutQuery(full));
        }

        if (data.GetTagItem("url.path") is string path)
        {
            data.SetTag("url.path", WithoutQuery(path));
        }

        // Without verbose statements StackExchange.Redis reports the command name alone (EVALSHA, GET); anything
        // longer may hold a key or an argument.
        foreach (var key in new[] { "db.statement", "db.query.text" })
        {
            if (data.GetTagItem(key) is string statement && !CommandName().IsMatch(statement))
            {
                data.SetTag(key, null);
            }
        }

        data.DisplayName = WithoutQuery(data.DisplayName);

        // An error status keeps its code; its text may quote an exception's message.
        if (data.Status == ActivityStatusCode.Error && data.StatusDescription is not null)
        {
            data.SetStatus(ActivityStatusCode.Error);
        }
    }

    /// <summary>Scheme, host, port and path only: no user info, query or fragment.</summary>
    internal static string WithoutQuery(string url)
    {
        var cut = url.IndexOfAny(['?', '#']);
        var kept = cut < 0 ? url : url[..cut];
        var scheme = kept.IndexOf("://", StringComparison.Ordinal);
        var at = kept.IndexOf('@', StringComparison.Ordinal);
        if (scheme >= 0 && at > scheme)
        {
            var slash = kept.IndexOf('/', scheme + 3);
            if (slash < 0 || at < slash)
            {
                kept = kept[..(scheme + 3)] + kept[(at + 1)..];
            }
        }

        return kept;
    }

    [GeneratedRegex("^[A-Za-z]{1,20}( [A-Za-z]{1,20})?$", RegexOptions.CultureInvariant)]
    private static partial Regex CommandName();
}
