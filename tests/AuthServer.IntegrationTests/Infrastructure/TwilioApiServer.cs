using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Recovery.AuthServer.Notifications.Sms;

namespace Recovery.AuthServer.IntegrationTests.Infrastructure;

/// <summary>
/// A real HTTP server on loopback speaking Twilio's Messages API as documented: <c>POST /2010-04-01/Accounts/{sid}/Messages.json</c>
/// with basic auth and the form fields To, From, Body, StatusCallback; 201 with the message's JSON (its <c>sid</c>), or
/// Twilio's error JSON (<c>code</c>, <c>message</c>, <c>status</c>). After taking a message it posts the status callback
/// <see cref="ReportStatus"/> to the message's StatusCallback, signed (<c>X-Twilio-Signature</c>) with the auth token.
/// </summary>
public sealed class TwilioApiServer : IAsyncDisposable
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";

    private readonly ConcurrentQueue<TwilioMessage> messages = new();
    private readonly HttpClient callbacks = new() { Timeout = TimeSpan.FromSeconds(10) };
    private LoopbackHttpServer? server;

    public string AuthToken { get; } = Guid.NewGuid().ToString("N");

    public Uri BaseAddress => server!.BaseAddress;

    /// <summary>Every message taken, in order.</summary>
    public IReadOnlyList<TwilioMessage> Messages => messages.ToArray();

    /// <summary>The status posted back after each message taken (delivered by default); null posts none.</summary>
    public string? ReportStatus { get; set; } = "delivered";

    /// <summary>When set, every send is answered with this status and Twilio error code instead of being taken.</summary>
    public (int Status, int Code)? Refuse { get; set; }

    /// <summary>Requests answered (taken or refused), including retries.</summary>
    public int Requests => requests;

    private int requests;

    public static async Task<TwilioApiServer> StartAsync()
    {
        var twilio = new TwilioApiServer();
        twilio.server = await LoopbackHttpServer.StartAsync(twilio.HandleAsync);
        return twilio;
    }

    /// <summary>Stops listening (connections refused) until <see cref="StartAgainAsync"/>.</summary>
    public Task StopAsync() => server!.StopAsync();

    public Task StartAgainAsync() => server!.StartAgainAsync();

    /// <summary>Posts a status callback as Twilio would, signed with <paramref name="signingToken"/> (the auth token unless a test forges one).</summary>
    public async Task<HttpResponseMessage> PostCallbackAsync(string url, IReadOnlyList<KeyValuePair<string, string>> fields, string? signingToken = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("X-Twilio-Signature", TwilioSignature.Compute(signingToken ?? AuthToken, url, fields));
        return await callbacks.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        callbacks.Dispose();
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext http)
    {
        Interlocked.Increment(ref requests);
        var expectedPath = $"/2010-04-01/Accounts/{AccountSid}/Messages.json";
        if (http.Request.Method != "POST" || http.Request.Path != expectedPath)
        {
            await ErrorAsync(http, 404, 20404, "The requested resource was not found");
            return;
        }

        var expectedAuth = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(AccountSid + ":" + AuthToken));
        if (http.Request.Headers.Authorization != expectedAuth)
        {
            await ErrorAsync(http, 401, 20003, "Authenticate");
            return;
        }

        if (Refuse is { } refusal)
        {
            await ErrorAsync(http, refusal.Status, refusal.Code, "Refused by the test");
            return;
        }

        var form = await http.Request.ReadFormAsync();
        var message = new TwilioMessage("SM" + Guid.NewGuid().ToString("N"), form["To"].ToString(), form["From"].ToString(), form["Body"].ToString(), form["StatusCallback"].ToString());
        messages.Enqueue(message);
        http.Response.StatusCode = 201;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new { sid = message.Sid, account_sid = AccountSid, to = message.To, from = message.From, status = "queued" }));

        if (ReportStatus is { } status && message.StatusCallback.Length > 0)
        {
            _ = Task.Run(async () =>
            {
                await Task.Delay(50);
                List<KeyValuePair<string, string>> fields =
                [
                    new("MessageSid", message.Sid), new("SmsSid", message.Sid), new("AccountSid", AccountSid),
                    new("From", message.From), new("To", message.To), new("MessageStatus", status), new("SmsStatus", status),
                    new("ApiVersion", "2010-04-01"),
                ];
                if (status is "undelivered" or "failed")
                {
                    fields.Add(new("ErrorCode", "30003"));
                }

                try
                {
                    using var _ = await PostCallbackAsync(message.StatusCallback, fields);
                }
                catch (HttpRequestException)
                {
                }
            });
        }
    }

    private static async Task ErrorAsync(HttpContext http, int status, int code, string text)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new { code, message = text, more_info = $"https://www.twilio.com/docs/errors/{code}", status }));
    }
}
