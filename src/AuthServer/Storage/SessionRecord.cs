namespace Recovery.AuthServer.Storage;

/// <summary>An online-banking session, stored under a keyed hash of its bearer token.</summary>
public sealed record SessionRecord(string TokenHash, string CustomerId, DateTimeOffset ExpiresAt);
