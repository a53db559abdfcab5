namespace Recovery.AuthServer.RateLimiting;

public readonly record struct RateLimitDecision(bool Allowed, TimeSpan RetryAfter, string? LimitedKey = null);
