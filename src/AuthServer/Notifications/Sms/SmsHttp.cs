using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>
/// Sends through a provider's resilient HttpClient and turns what the pipeline throws into the sender's contract: a
/// refused connection or an open circuit certainly did not reach the provider (<see cref="SmsProviderUnavailableException"/>);
/// a timeout may have (rethrown as is, so the message is never sent to that provider again).
/// </summary>
public static class SmsHttp
{
    /// <summary>The named HttpClient (and resilience pipeline, so circuit breaker) of one provider.</summary>
    public static string ClientName(string provider) => "sms-" + provider;

    /// <summary>
    /// Retried on the same provider: answers that say it did not take the message (429, 5xx) and connections that
    /// never opened. Not a timeout: the provider may have the message, and a retry would send it twice.
    /// </summary>
    public static bool IsRetryable(HttpResponseMessage? response, Exception? exception) =>
        response is { StatusCode: (System.Net.HttpStatusCode)429 } or { StatusCode: >= System.Net.HttpStatusCode.InternalServerError }
        || exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };

    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (BrokenCircuitException ex)
        {
            throw new SmsProviderUnavailableException("circuit-open", ex);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw new SmsProviderUnavailableException("connection-refused", ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new TimeoutException("The SMS provider did not answer in time.", ex);
        }
    }
}
