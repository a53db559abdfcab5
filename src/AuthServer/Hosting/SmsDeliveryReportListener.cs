using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Notifications.Sms;

namespace Recovery.AuthServer.Hosting;

/// <summary>
/// The delivery report listener: a web server of its own, HTTP/1.1 (what Kannel and Twilio speak; the gRPC port is
/// HTTP/2 only), on <c>Notifications:Sms:DeliveryReports:Urls</c>. Built from an empty builder on purpose: it reads
/// none of the main server's configuration (its Kestrel endpoints, <c>ASPNETCORE_URLS</c>), serves only the two report
/// endpoints, and the gRPC port serves neither of them.
/// </summary>
public sealed class SmsDeliveryReportListener(SmsDeliveryReports reports, IOptions<SmsOptions> options) : IHostedService, IOwnListener, IAsyncDisposable
{
    private const long MaxReportSize = 16 * 1024;
    private readonly ListenerHost host = new();

    /// <summary>The addresses it listens on once started (with the actual port when 0 was asked for).</summary>
    public IReadOnlyList<string> Addresses => host.Addresses;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await TryStartAsync(cancellationToken) is { } problem)
        {
            throw new OptionsValidationException(SmsOptions.Section, typeof(SmsOptions), [problem]);
        }
    }

    /// <summary>Bound before the host starts (<see cref="StartupValidation"/>): an address already taken is one line, exit code 2.</summary>
    public async Task<string?> TryStartAsync(CancellationToken cancellationToken)
    {
        var urls = (options.Value.DeliveryReports.Urls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (host.IsStarted || urls.Length == 0)
        {
            return null;
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = MaxReportSize;
            k.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.WebHost.UseUrls(urls);
        builder.Services.AddRoutingCore();
        var web = await ListenerHost.BuildDetachedAsync(builder);

        // Kannel calls its dlr-url with GET by default; POST too, for a gateway set up that way.
        web.MapMethods(SmsDeliveryReports.KannelPath + "{provider}", ["GET", "POST"], async (HttpContext http, string provider) =>
        {
            var q = http.Request.Query;
            var result = await reports.KannelAsync(provider, q["id"], q["t"], q["type"], http.RequestAborted);
            return Answer(result);
        });
        web.MapPost(SmsDeliveryReports.TwilioPath + "{provider}", async (HttpContext http, string provider) =>
        {
            if (!http.Request.HasFormContentType)
            {
                return Answer(SmsReportResult.Malformed);
            }

            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            var fields = form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? string.Empty))).ToList();

            // The URL Twilio signed is the one we gave it: our public address, this path and this query.
            var root = reports.PublicUrl!.GetLeftPart(UriPartial.Path).TrimEnd('/');
            var url = root + http.Request.Path.ToUriComponent() + http.Request.QueryString.ToUriComponent();
            var result = await reports.TwilioAsync(provider, url, fields, http.Request.Headers["X-Twilio-Signature"], http.Request.Query["id"], http.RequestAborted);
            return Answer(result);
        });

        return await host.StartAsync(web, SmsOptions.Section + ":DeliveryReports:Urls", options.Value.DeliveryReports.Urls!, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => host.StopAsync(cancellationToken);

    public ValueTask DisposeAsync() => host.DisposeAsync();

    private static IResult Answer(SmsReportResult result) => result switch
    {
        SmsReportResult.Accepted => Results.Ok(),
        SmsReportResult.Forged => Results.StatusCode(StatusCodes.Status403Forbidden),
        _ => Results.BadRequest(),
    };
}
