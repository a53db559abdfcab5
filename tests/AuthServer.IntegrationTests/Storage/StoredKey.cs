using Recovery.AuthServer.IntegrationTests.Infrastructure;
using StackExchange.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

/// <summary>What a Redis holds under one key prefix, read with a direct connection: key, TTL and every value as text.</summary>
internal sealed record StoredKey(string Key, TimeSpan? Ttl, IReadOnlyList<string> Values)
{
    public static async Task<IReadOnlyList<StoredKey>> ScanAsync(RedisServer server, string prefix)
    {
        await using var connection = await server.ConnectAsync().Within();
        var db = connection.GetDatabase();
        var keys = connection.GetServer(connection.GetEndPoints()[0]).KeysAsync(pattern: prefix + "*");
        var stored = new List<StoredKey>();
        await foreach (var key in keys)
        {
            var type = await db.KeyTypeAsync(key).Within();
            IReadOnlyList<string> values = type switch
            {
                RedisType.String => [(string)(await db.StringGetAsync(key).Within())!],
                RedisType.Hash => [.. (await db.HashGetAllAsync(key).Within()).SelectMany(e => new[] { (string)e.Name!, (string)e.Value! })],
                RedisType.List => [.. (await db.ListRangeAsync(key).Within()).Select(v => (string)v!)],
                RedisType.SortedSet => [.. (await db.SortedSetRangeByRankWithScoresAsync(key).Within()).Select(e => $"{e.Element}={e.Score}")],
                _ => throw new InvalidOperationException($"Unexpected {type} at {key}."),
            };
            stored.Add(new StoredKey(key!, await db.KeyTimeToLiveAsync(key).Within(), values));
        }

        return stored;
    }

    /// <summary>True if <paramref name="secret"/> appears in the key or in any value.</summary>
    public bool Contains(string secret) =>
        Key.Contains(secret, StringComparison.OrdinalIgnoreCase) || Values.Any(v => v.Contains(secret, StringComparison.OrdinalIgnoreCase));
}
