using Microsoft.Extensions.Options;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.Storage.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

/// <summary>A connection to the fixture's redis-server under a key prefix of this test alone.</summary>
internal sealed class RedisStoreTest(RedisServerFixture fixture) : IDisposable
{
    private RedisConnection? connection;

    public string Prefix { get; } = RedisServerFixture.UniquePrefix();

    public RedisConnection Connection => connection ??= new RedisConnection(Options.Create(new StorageOptions
    {
        Provider = "Redis",
        Redis = new RedisStorageOptions { Configuration = fixture.Server.Configuration, KeyPrefix = Prefix, OperationTimeout = TimeSpan.FromSeconds(5) },
    }));

    public Task<IReadOnlyList<StoredKey>> ScanAsync() => StoredKey.ScanAsync(fixture.Server, Prefix);

    public void Dispose() => connection?.Dispose();
}
