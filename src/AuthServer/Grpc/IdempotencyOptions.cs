using System.ComponentModel.DataAnnotations;

namespace Recovery.AuthServer.Grpc;

/// <summary>Retried calls with <c>x-idempotency-key</c>. Bound from <c>Idempotency:*</c>.</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";

    /// <summary>
    /// How long a key is remembered, from the first call and again from its completion: a retry within it
    /// gets the stored response. Default 10 minutes (1 s – 1 day).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Ttl { get; set; } = TimeSpan.FromMinutes(10);
}
