using Microsoft.Extensions.Options;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

/// <summary>A connection to the fixture's redis-server under a key prefix of this test alone.</summary>
internal sealed class RedisStoreTest : IDisposable
{
    private readonly RedisServerFixture fixture;
    private readonly Lazy<RedisConnection> connection;

    public RedisStoreTest(RedisServerFixture fixture)
    {
        this.fixture = fixture;

        // Created once even when a test's first touch comes from many threads; a generous timeout,
        // since the whole suite runs in parallel on two cores.
        connection = new Lazy<RedisConnection>(() => new RedisConnection(Options.Create(new StorageOptions
        {
            Provider = "Redis",
            Redis = new RedisStorageOptions { Configuration = fixture.Server.Configuration, KeyPrefix = Prefix, OperationTimeout = TimeSpan.FromSeconds(5) },
        })));
    }

    public string Prefix { get; } = RedisServerFixture.UniquePrefix();

    public RedisConnection Connection => connection.Value;

    public Task<IReadOnlyList<StoredKey>> ScanAsync() => StoredKey.ScanAsync(fixture.Server, Prefix);

    /// <summary>Every key this test's stores wrote, with its remaining TTL (null: none).</summary>
    public async Task<IReadOnlyDictionary<string, TimeSpan?>> KeysAsync() =>
        (await ScanAsync()).ToDictionary(k => k.Key, k => k.Ttl, StringComparer.Ordinal);

    public void Dispose()
    {
        if (connection.IsValueCreated)
        {
            connection.Value.Dispose();
        }
    }
}
