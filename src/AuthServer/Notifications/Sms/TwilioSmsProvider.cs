using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>
/// The Twilio Messages resource: <c>POST {BaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json</c> with basic auth
/// (account SID, auth token) and the form fields To, From, Body and StatusCallback; 201 with a JSON body holding the
/// message's <c>sid</c> means taken. 400 (an invalid, unroutable or unsubscribed number: Twilio's <c>code</c> goes into
/// the reason), 401/403 (credentials) and 404 are refusals; 429 and 5xx are temporary.
/// </summary>
public sealed class TwilioSmsProvider(IHttpClientFactory clients, SmsProviderOptions options) : ISmsProvider
{
    public string Name => options.Name;

    public SmsDialect Dialect => SmsDialect.Twilio;

    public async Task SendAsync(Notification notification, Uri? reportUrl, CancellationToken cancellationToken)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("To", notification.To),
            new("From", options.From),
            new("Body", notification.Text),
        };
        if (reportUrl is not null)
        {
            fields.Add(new("StatusCallback", reportUrl.OriginalString));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"2010-04-01/Accounts/{Uri.EscapeDataString(options.Username)}/Messages.json")
        {
            Content = new FormUrlEncodedContent(fields),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(options.Username + ":" + options.Password)));

        using var response = await SmsHttp.SendAsync(clients.CreateClient(SmsHttp.ClientName(options.Name)), request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            // Taken only with a message sid: a 2xx without one is not Twilio, and what happened is unknown.
            if (Sid(body) is null)
            {
                throw new InvalidOperationException("The provider answered " + (int)response.StatusCode + " without a message sid.");
            }

            return;
        }

        throw Classify(response.StatusCode, body);
    }

    /// <summary>What a non-success answer means for the message: Twilio's error <c>code</c>, if any, names the refusal.</summary>
    public static Exception Classify(HttpStatusCode status, string body) => (int)status switch
    {
        400 => new PermanentDeliveryException("twilio-" + (ErrorCode(body) ?? "400")),
        401 or 403 => new PermanentDeliveryException("twilio-credentials"),
        404 => new PermanentDeliveryException("twilio-not-found"),
        429 or >= 500 => new SmsProviderUnavailableException("twilio-http-" + (int)status),
        _ => new PermanentDeliveryException("twilio-http-" + (int)status),
    };

    private static string? Sid(string body) => Property(body, "sid");

    private static string? ErrorCode(string body) => Property(body, "code");

    private static string? Property(string body, string name)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(name, out var value))
            {
                var text = value.ValueKind == JsonValueKind.Number ? value.GetRawText() : value.GetString();

                // Codes and sids are short and plain; anything else is not echoed into a reason.
                return text is { Length: > 0 and <= 40 } && text.All(char.IsAsciiLetterOrDigit) ? text : null;
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}
