using Microsoft.Extensions.Options;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

/// <summary>A connection with a key prefix of its own on the shared test server, and a look at what it stored.</summary>
internal sealed class RedisStoreHarness(RedisServerFixture fixture) : IDisposable
{
    public RedisConnection Connection { get; } = new(Options.Create(new StorageOptions
    {
        Provider = "Redis",
        // Generous: the whole suite runs in parallel on two cores, and a slow first connect is not what these tests test.
        Redis = new RedisStorageOptions { Configuration = fixture.Server.Configuration, KeyPrefix = RedisServerFixture.UniquePrefix(), OperationTimeout = TimeSpan.FromSeconds(5) },
    }));

    /// <summary>Every key this test's stores wrote, with its remaining TTL (null: none).</summary>
    public async Task<IReadOnlyDictionary<string, TimeSpan?>> KeysAsync()
    {
        using var admin = await fixture.Server.ConnectAsync().Timeout();
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        var db = admin.GetDatabase();
        var result = new Dictionary<string, TimeSpan?>(StringComparer.Ordinal);
        await foreach (var key in server.KeysAsync(pattern: Connection.KeyPrefix + "*"))
        {
            result[key.ToString()] = await db.KeyTimeToLiveAsync(key).Timeout();
        }

        return result;
    }

    public void Dispose() => Connection.Dispose();
}
