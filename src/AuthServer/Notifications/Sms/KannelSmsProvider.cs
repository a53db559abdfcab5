using System.Net;
using System.Text;

namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>
/// Kannel's smsbox sendsms interface, as a POST to <c>/cgi-bin/sendsms</c> with the parameters in <c>X-Kannel-*</c>
/// headers and the text as the UTF-8 body: the credentials never sit in a URL (which proxies and HTTP logs keep).
/// Kannel answers 202 when it queued the message; 400 (missing or denied number, bad charset), 403 (credentials)
/// and 404 are refusals a retry would meet again; 429 and 5xx (503 "Sending failed") are temporary, retried by the
/// resilience pipeline and then reported as unavailable. Delivery reports are asked for with <c>dlr-mask</c> 31
/// (delivered, failed, buffered, SMSC ack, SMSC reject) to the <c>dlr-url</c>, where Kannel puts the type in <c>%d</c>.
/// </summary>
public sealed class KannelSmsProvider(IHttpClientFactory clients, SmsProviderOptions options) : ISmsProvider
{
    public const string SendSmsPath = "cgi-bin/sendsms";

    public string Name => options.Name;

    public SmsDialect Dialect => SmsDialect.Kannel;

    public async Task SendAsync(Notification notification, Uri? reportUrl, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, SendSmsPath)
        {
            Content = new StringContent(notification.Text, Encoding.UTF8, "text/plain"),
        };
        var headers = request.Headers;
        headers.Add("X-Kannel-Username", options.Username);
        headers.Add("X-Kannel-Password", options.Password);
        headers.Add("X-Kannel-From", options.From);
        headers.Add("X-Kannel-To", notification.To);

        // 7-bit when the text allows it (160 characters a segment), UCS-2 otherwise (70): Kannel converts from UTF-8.
        headers.Add("X-Kannel-Coding", Gsm7.CanEncode(notification.Text) ? "0" : "2");
        if (!string.IsNullOrEmpty(options.Smsc))
        {
            headers.Add("X-Kannel-SMSC", options.Smsc);
        }

        if (reportUrl is not null)
        {
            headers.Add("X-Kannel-DLR-Mask", "31");
            headers.Add("X-Kannel-DLR-Url", reportUrl.OriginalString);
        }

        using var response = await SmsHttp.SendAsync(clients.CreateClient(SmsHttp.ClientName(options.Name)), request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        throw Classify(response.StatusCode);
    }

    /// <summary>What a non-success answer of Kannel means for the message.</summary>
    public static Exception Classify(HttpStatusCode status) => (int)status switch
    {
        400 => new PermanentDeliveryException("kannel-rejected"),
        401 or 403 => new PermanentDeliveryException("kannel-credentials"),
        404 => new PermanentDeliveryException("kannel-not-found"),
        429 or >= 500 => new SmsProviderUnavailableException("kannel-http-" + (int)status),
        _ => new PermanentDeliveryException("kannel-http-" + (int)status),
    };
}
