using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Recovery.AuthServer.Storage.Redis;

/// <summary>
/// The one multiplexer of the process. It starts even when Redis is down (calls then fail closed with
/// UNAVAILABLE and health says NOT_SERVING) and reconnects by itself, so Redis coming back needs no
/// restart of the server.
/// </summary>
public sealed class RedisConnection : IDisposable
{
    // Connected asynchronously and once: a synchronous connect on first use would park every
    // concurrent first caller on a thread-pool thread while it runs (starvation on a small machine).
    private readonly Lazy<Task<ConnectionMultiplexer>> multiplexer;
    private readonly int waitReplicas;
    private readonly int waitMilliseconds;
    private readonly ConditionalWeakTable<string, LuaScriptHandle> scripts = new();

    public RedisConnection(IOptions<StorageOptions> options)
    {
        var o = options.Value.Redis;
        KeyPrefix = o.KeyPrefix;
        var configuration = ConfigurationOptions.Parse(o.Configuration);
        configuration.AbortOnConnectFail = false;
        var timeout = (int)o.OperationTimeout.TotalMilliseconds;
        waitReplicas = o.WaitReplicas;
        // WAIT must give up on the server before the client gives up on WAIT: with equal budgets the two
        // race, and a lost race hides the replica count behind a bare timeout. Half leaves the other half
        // for the round trip.
        waitMilliseconds = Math.Max(1, timeout / 2);
        configuration.SyncTimeout = timeout;
        configuration.AsyncTimeout = timeout;
        // Connecting may take longer than one command should: calls still fail closed at the
        // operation timeout while a (re)connect is under way.
        configuration.ConnectTimeout = Math.Max(timeout, 5000);
        configuration.ClientName ??= "recovery-authserver";
        multiplexer = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectionMultiplexer.ConnectAsync(configuration));
    }

    public string KeyPrefix { get; }

    /// <summary>
    /// A key in the hash slot of <paramref name="tag"/>: every key of one customer, recovery or
    /// operation shares its tag, so a script touching them runs on Redis Cluster.
    /// </summary>
    public RedisKey Key(string tag, string suffix) => $"{KeyPrefix}{{{tag}}}:{suffix}";

    /// <summary>
    /// Runs one store operation; a connection failure or a timeout becomes
    /// <see cref="StorageUnavailableException"/> (UNAVAILABLE), whatever the store.
    /// </summary>
    public async Task<T> ExecuteAsync<T>(Func<IDatabase, Task<T>> operation)
    {
        try
        {
            var connected = await multiplexer.Value;
            return await operation(connected.GetDatabase());
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or TimeoutException)
        {
            throw new StorageUnavailableException("Redis did not answer in time.", ex);
        }
    }

    public Task ExecuteAsync(Func<IDatabase, Task> operation) =>
        ExecuteAsync<bool>(async db =>
        {
            await operation(db);
            return true;
        });

    /// <summary>
    /// Runs a Lua script as one atomic step: EVALSHA by the script's SHA-1, which <see cref="LuaScriptHandle"/> computes
    /// once per script text. Why not the client's own cache (<c>ScriptEvaluateAsync(string)</c>): it finds the hash by
    /// hashing and comparing the whole text on every call (several KB for the composed scripts: microseconds of CPU per
    /// call on the hot path); the handle is found by the string's identity. The first run on this connection goes through
    /// the client's text path, which loads the script (SCRIPT LOAD, then EVALSHA: what it always did); a server that
    /// has lost it since (a restart, a failover, SCRIPT FLUSH, another Cluster node) answers NOSCRIPT without running
    /// anything, and the call is sent again by the text path, which loads it there. The handles are this connection's
    /// (another connection may talk to another server, where the script is not loaded yet), found by the string's
    /// identity (the stores pass constants) in a weak table, so a script text built at run time leaves nothing behind.
    /// </summary>
    public Task<RedisResult> ScriptAsync(string script, RedisKey[] keys, RedisValue[] values)
    {
        var handle = scripts.GetValue(script, static text => new LuaScriptHandle(text));
        return ExecuteAsync(db => EvaluateAsync(db, handle, keys, values));
    }

    private static async Task<RedisResult> EvaluateAsync(IDatabase db, LuaScriptHandle script, RedisKey[] keys, RedisValue[] values)
    {
        if (script.Loaded)
        {
            try
            {
                return await db.ScriptEvaluateAsync(script.Sha1, keys, values);
            }
            catch (RedisServerException ex) when (ex.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
            {
                // NOSCRIPT: the script did not run, so sending it again runs it once.
            }
        }

        var result = await db.ScriptEvaluateAsync(script.Text, keys, values);
        script.Loaded = true;
        return result;
    }

    /// <summary>
    /// After a credential write (a committed password, an unblock): waits until
    /// <c>Storage:Redis:WaitReplicas</c> replicas of the primary holding <paramref name="key"/> have
    /// it, so a failover cannot lose it. The write itself is not undone when too few answer; the call
    /// fails with UNAVAILABLE so the caller does not report success on an unreplicated write.
    /// WAIT covers every earlier write on this node's one connection to that primary, this one included.
    /// </summary>
    public async Task WaitForReplicasAsync(RedisKey key)
    {
        if (waitReplicas == 0)
        {
            return;
        }

        var acknowledged = await ExecuteAsync(async _ =>
            (long)await (await multiplexer.Value).GetServer(key).ExecuteAsync("WAIT", waitReplicas, waitMilliseconds));
        if (acknowledged < waitReplicas)
        {
            throw new StorageUnavailableException($"Only {acknowledged} of {waitReplicas} replicas acknowledged the write in time.");
        }
    }

    /// <summary>The multiplexer, connecting it on first use (for health checks and diagnostics).</summary>
    public Task<ConnectionMultiplexer> GetMultiplexerAsync() => multiplexer.Value;

    public void Dispose()
    {
        if (multiplexer.IsValueCreated && multiplexer.Value.IsCompletedSuccessfully)
        {
            multiplexer.Value.Result.Dispose();
        }
    }
}
