using System.ComponentModel.DataAnnotations;

namespace Recovery.AuthServer.Notifications.Sms;

/// <summary>
/// One SMS provider, an entry of <c>Notifications:Sms:Providers</c> (tried in order: the first is the main
/// route, the next ones take over when it is down or reports a failed delivery). Credentials are read here
/// and written only to the provider's HTTP request, never to a log or an exception message.
/// </summary>
public sealed class SmsProviderOptions
{
    /// <summary>A short name for metrics, logs and delivery records (letters, digits, '-', '_'). Required.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_-]{1,32}$", ErrorMessage = "The Name of an SMS provider is 1-32 letters, digits, '-' or '_'.")]
    public string Name { get; set; } = string.Empty;

    /// <summary>Kannel or Twilio. Required.</summary>
    [Required]
    public SmsDialect? Dialect { get; set; }

    /// <summary>
    /// Where the provider answers: Kannel's smsbox (<c>http://gw:13013</c>, the sendsms port), or the Twilio-style API
    /// root (<c>https://api.twilio.com</c>). Required.
    /// </summary>
    [Required]
    public Uri? BaseUrl { get; set; }

    /// <summary>The sender id the customer sees (an alphanumeric sender id of at most 11 characters, or a number). Required.</summary>
    [Required]
    [StringLength(16, MinimumLength = 1)]
    public string From { get; set; } = string.Empty;

    /// <summary>Kannel: the sendsms-user's username. Twilio: the account SID. Required.</summary>
    [Required]
    public string Username { get; set; } = string.Empty;

    /// <summary>Kannel: the sendsms-user's password. Twilio: the auth token (it also signs the status callbacks). Required.</summary>
    [Required]
    public string Password { get; set; } = string.Empty;

    /// <summary>Kannel only: the SMSC to route through (<c>smsc</c>); empty (default) lets Kannel choose.</summary>
    public string? Smsc { get; set; }

    /// <summary>One HTTP attempt. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>All attempts of one message on this provider together, retries included. Default 15 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Retries (with exponential backoff and jitter) on a 429, a 5xx or a refused connection. Default 2.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>First retry delay; later ones grow exponentially, with jitter. Default 200 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:30")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The circuit breaker opens when this share of the calls failed within <see cref="BreakerSamplingDuration"/>
    /// (at least <see cref="BreakerMinimumThroughput"/> calls). Default 0.5.
    /// </summary>
    [Range(0.01, 1.0)]
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Calls within the sampling window before the breaker may open. Default 4.</summary>
    [Range(2, 1000)]
    public int BreakerMinimumThroughput { get; set; } = 4;

    /// <summary>The breaker's sampling window. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open breaker sends nothing to the provider (messages go to the next one). Default 15 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}
