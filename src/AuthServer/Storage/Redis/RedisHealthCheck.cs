using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>Serving only while Redis answers a PING within the operation timeout.</summary>
public sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.ExecuteAsync(db => db.PingAsync());
            return HealthCheckResult.Healthy($"Redis answered in {latency.TotalMilliseconds:F1} ms.");
        }
        catch (Exception ex) when (ex is StorageUnavailableException or StackExchange.Redis.RedisException)
        {
            return HealthCheckResult.Unhealthy("Redis is unreachable.");
        }
    }
}
