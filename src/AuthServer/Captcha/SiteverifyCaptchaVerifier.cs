using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;

namespace Recovery.AuthServer.Captcha;

/// <summary>
/// reCAPTCHA v2/v3, hCaptcha and Turnstile through their common siteverify API: POST form <c>secret</c>,
/// <c>response</c> and, from trusted channels only, <c>remoteip</c>; a JSON answer with <c>success</c>,
/// <c>hostname</c>, <c>score</c>/<c>action</c> (v3; <c>action</c> also Turnstile) and <c>error-codes</c>.
/// Fails closed: anything but a well-formed answer is <see cref="CaptchaVerdict.Unavailable"/>, never accepted.
/// </summary>
public sealed partial class SiteverifyCaptchaVerifier(
    IHttpClientFactory httpClients,
    IOptions<CaptchaOptions> options,
    CaptchaReplayGuard replay,
    ILogger<SiteverifyCaptchaVerifier> logger) : ICaptchaVerifier
{
    /// <summary>The named HttpClient (timeout <c>Captcha:Siteverify:Timeout</c>, bounded answer size).</summary>
    public const string HttpClientName = "captcha-siteverify";

    // Answers that say our own request or credentials are wrong, or the provider failed: no customer can pass
    // until an operator acts, so they are an outage (UNAVAILABLE and an error log), not a customer's failure.
    private static readonly HashSet<string> OurSideErrors = new(StringComparer.Ordinal)
    {
        "missing-input-secret", "invalid-input-secret", "invalid-parsed-secret", "sitekey-secret-mismatch", "bad-request", "internal-error",
    };

    private readonly CaptchaOptions captcha = options.Value;
    private readonly Uri endpoint = options.Value.Siteverify.Endpoint ?? CaptchaProviders.DefaultEndpoint(options.Value.Provider);

    public async ValueTask<CaptchaCheck> VerifyAsync(string token, CallerContext caller, CancellationToken cancellationToken)
    {
        var answer = await AskAsync(token, caller, cancellationToken);
        if (answer.Check is { } failed)
        {
            return failed;
        }

        var check = Judge(answer.Body!.Value);
        if (check.Verdict != CaptchaVerdict.Accepted)
        {
            return check;
        }

        // The provider may accept a token more than once within its lifetime (Turnstile's idempotency, a
        // provider's bug, a test key): our own record makes it single use across every node.
        return await replay.FirstUseAsync("siteverify", token, captcha.Siteverify.TokenLifetime, cancellationToken)
            ? CaptchaCheck.Accepted
            : CaptchaCheck.Rejected("replayed");
    }

    private async Task<(CaptchaCheck? Check, JsonElement? Body)> AskAsync(string token, CallerContext caller, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("secret", captcha.Siteverify.Secret),
            new("response", token),
        };

        // The customer's address only when the channel is trusted to report it: an untrusted one could make the
        // provider score a chosen address (and we would hand a third party an address we cannot vouch for).
        if (captcha.TrustedAddressChannels.Contains(caller.Channel, StringComparer.Ordinal) && caller.ClientAddress != CallerContext.Unknown.ClientAddress)
        {
            form.Add(new("remoteip", caller.ClientAddress));
        }

        try
        {
            using var content = new FormUrlEncodedContent(form);
            using var response = await httpClients.CreateClient(HttpClientName).PostAsync(endpoint, content, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                LogProviderStatus(captcha.Provider, (int)response.StatusCode);
                return (CaptchaCheck.Unavailable("status"), null);
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(stream, default, cancellationToken);
            if (document.RootElement is not { ValueKind: JsonValueKind.Object } root ||
                !root.TryGetProperty("success", out var success) || success.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                LogProviderGarbage(captcha.Provider);
                return (CaptchaCheck.Unavailable("garbage"), null);
            }

            return (null, root.Clone());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout fired, not the caller's cancellation.
            LogProviderTimeout(captcha.Provider, captcha.Siteverify.Timeout);
            return (CaptchaCheck.Unavailable("timeout"), null);
        }
        catch (HttpRequestException ex)
        {
            LogProviderUnreachable(captcha.Provider, ex.HttpRequestError);
            return (CaptchaCheck.Unavailable("unreachable"), null);
        }
        catch (JsonException)
        {
            LogProviderGarbage(captcha.Provider);
            return (CaptchaCheck.Unavailable("garbage"), null);
        }
    }

    private CaptchaCheck Judge(JsonElement body)
    {
        var o = captcha.Siteverify;
        if (!body.GetProperty("success").GetBoolean())
        {
            var codes = ErrorCodes(body);
            if (codes.Any(OurSideErrors.Contains))
            {
                LogProviderRefusedUs(captcha.Provider, string.Join(',', codes));
                return CaptchaCheck.Unavailable("provider-error");
            }

            return CaptchaCheck.Rejected(codes.Count > 0 ? "error-codes" : "not-success");
        }

        // A token solved on another site (an attacker's page farming solutions) is refused.
        if (String(body, "hostname") is not { } hostname || !o.ExpectedHostnames.Contains(hostname, StringComparer.OrdinalIgnoreCase))
        {
            return CaptchaCheck.Rejected("hostname");
        }

        if (captcha.Provider == CaptchaProviders.ReCaptchaV3 &&
            !(body.TryGetProperty("score", out var score) && score.ValueKind == JsonValueKind.Number && score.GetDouble() >= o.MinimumScore))
        {
            return CaptchaCheck.Rejected("score");
        }

        // A token from another of the site's forms (login, newsletter) must not open a recovery.
        if ((captcha.Provider == CaptchaProviders.ReCaptchaV3 || (captcha.Provider == CaptchaProviders.Turnstile && o.ExpectedAction is not null)) &&
            String(body, "action") != o.ExpectedAction)
        {
            return CaptchaCheck.Rejected("action");
        }

        return CaptchaCheck.Accepted;
    }

    private static List<string> ErrorCodes(JsonElement body) =>
        body.TryGetProperty("error-codes", out var codes) && codes.ValueKind == JsonValueKind.Array
            ? [.. codes.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.String).Select(c => c.GetString()!)]
            : [];

    private static string? String(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [LoggerMessage(Level = LogLevel.Error, Message = "Captcha provider {Provider} answered HTTP {Status}; StartRecovery is refused until it answers")]
    private partial void LogProviderStatus(string provider, int status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Captcha provider {Provider} answered something that is not a siteverify answer; StartRecovery is refused")]
    private partial void LogProviderGarbage(string provider);

    [LoggerMessage(Level = LogLevel.Error, Message = "Captcha provider {Provider} did not answer within {Timeout}; StartRecovery is refused")]
    private partial void LogProviderTimeout(string provider, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Error, Message = "Captcha provider {Provider} unreachable ({Error}); StartRecovery is refused")]
    private partial void LogProviderUnreachable(string provider, HttpRequestError error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Captcha provider {Provider} refused our request ({ErrorCodes}): check Captcha:Siteverify:Secret; StartRecovery is refused")]
    private partial void LogProviderRefusedUs(string provider, string errorCodes);
}
