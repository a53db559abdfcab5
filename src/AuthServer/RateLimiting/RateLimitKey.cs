namespace Recovery.AuthServer.RateLimiting;

/// <summary>A bucket and its rule. The key holds no secret in clear (cards are keyed hashes).</summary>
public sealed record RateLimitKey(string Key, RateLimitRule Rule);
