using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.RateLimiting;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.Storage.Redis;
using StackExchange.Redis;

namespace Recovery.AuthServer.IntegrationTests.Storage;

public sealed class RedisNotificationOutboxTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>, IDisposable
{
    private const string Phone = "+34612345331";
    private const string Code = "048213";
    private const string TemporaryPassword = "Ka7#mPq4Rt9x";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Visibility = TimeSpan.FromMinutes(2);

    private readonly string prefix = RedisServerFixture.UniquePrefix();
    private readonly byte[] codeKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
    private readonly List<IDisposable> owned = [];

    public void Dispose()
    {
        foreach (var d in owned)
        {
            d.Dispose();
        }
    }

    [Fact]
    public async Task DequeueAsync_TwoMessages_InOrderDecryptedAndAcknowledgedLeavesNoKey()
    {
        var outbox = Outbox();
        await outbox.EnqueueAsync(CodeSms(), default).AsTask().WaitAsync(Timeout);
        await outbox.EnqueueAsync(PasswordSms(), default).AsTask().WaitAsync(Timeout);

        var first = await outbox.DequeueAsync(default).AsTask().WaitAsync(Timeout);
        await outbox.AcknowledgeAsync(first, default).WaitAsync(Timeout);
        var second = await outbox.DequeueAsync(default).AsTask().WaitAsync(Timeout);
        await outbox.AcknowledgeAsync(second, default).WaitAsync(Timeout);

        Assert.Equal((Code, Phone, 1), (first.Notification.Values["code"], first.Notification.To, first.Deliveries));
        Assert.Equal(CodeSms().Text, first.Notification.Text);
        Assert.Equal(TemporaryPassword, second.Notification.Values["temporary_password"]);
        Assert.Null(await outbox.TryDequeueAsync().WaitAsync(Timeout));
        Assert.Empty(await KeysAsync());
    }

    [Fact]
    public async Task TryDequeueAsync_NewOutboxOnNewConnection_DeliversWhatTheOldOneQueued()
    {
        using (var before = Connection())
        {
            await Outbox(before).EnqueueAsync(CodeSms(), default).AsTask().WaitAsync(Timeout);
        }

        // A restart: a new process, a new connection, nothing in memory.
        var after = Outbox();
        var message = await after.TryDequeueAsync().WaitAsync(Timeout);

        Assert.NotNull(message);
        Assert.Equal(Code, message.Notification.Values["code"]);
    }

    [Fact]
    public async Task TryDequeueAsync_TakenButNotAcknowledged_RedeliveredOnlyAfterVisibilityTimeout()
    {
        var dead = Outbox();
        var survivor = Outbox();
        await dead.EnqueueAsync(CodeSms(), default).AsTask().WaitAsync(Timeout);
        var taken = await dead.TryDequeueAsync().WaitAsync(Timeout);
        Assert.NotNull(taken);

        // The taker dies without acknowledging. Until its lease ends, nobody else takes the message.
        time.Advance(Visibility - TimeSpan.FromSeconds(1));
        Assert.Null(await survivor.TryDequeueAsync().WaitAsync(Timeout));

        time.Advance(TimeSpan.FromSeconds(2));
        var again = await survivor.TryDequeueAsync().WaitAsync(Timeout);

        Assert.NotNull(again);
        Assert.Equal((taken.Id, Code, 2), (again.Id, again.Notification.Values["code"], again.Deliveries));
        await survivor.AcknowledgeAsync(again, default).WaitAsync(Timeout);
        Assert.Empty(await KeysAsync());
    }

    [Fact]
    public async Task RetryAsync_Released_AnotherNodeTakesItAtOnceWithoutCountingADelivery()
    {
        var stopping = Outbox();
        var other = Outbox();
        await stopping.EnqueueAsync(CodeSms(), default).AsTask().WaitAsync(Timeout);
        var taken = (await stopping.TryDequeueAsync().WaitAsync(Timeout))!;

        await stopping.RetryAsync(taken, default).WaitAsync(Timeout);
        var again = await other.TryDequeueAsync().WaitAsync(Timeout);

        Assert.NotNull(again);
        Assert.Equal((taken.Id, 1), (again.Id, again.Deliveries));
    }

    [Fact]
    public async Task EnqueueAsync_AtCapacity_HasRoomForFalseAndEnqueueThrowsAndNothingIsAdded()
    {
        var outbox = Outbox(capacity: 100);
        for (var i = 0; i < 100; i++)
        {
            await outbox.EnqueueAsync(CodeSms(), default).AsTask().WaitAsync(Timeout);
        }

        Assert.False(outbox.HasRoomFor(1));
        Assert.Same(OutboxFull.Refusal, (await Assert.ThrowsAsync<FailureException>(() => outbox.EnqueueAsync(CodeSms(), default).AsTask().WaitAsync(Timeout))).Failure);
        Assert.Equal(100, await PendingAsync());
        Assert.Equal(100, (await KeysAsync()).Count(k => k.Contains("}:m:", StringComparison.Ordinal)));

        // Another node learns the backlog from its first poll, and a taken message still counts until acknowledged.
        var other = Outbox(capacity: 100);
        Assert.True(other.HasRoomFor(1));
        var taken = (await other.TryDequeueAsync().WaitAsync(Timeout))!;
        Assert.False(other.HasRoomFor(1));
        await other.AcknowledgeAsync(taken, default).WaitAsync(Timeout);
        Assert.True(other.HasRoomFor(1));
        Assert.False(other.HasRoomFor(2));
    }

    [Fact]
    public async Task EnqueueCommittedAsync_AtCapacity_QueuedBeyondItAndDeliveredInOrder()
    {
        var outbox = Outbox(capacity: 4, shards: 1);
        for (var i = 0; i < 4; i++)
        {
            await outbox.EnqueueAsync(CodeSms(), default).AsTask().WaitAsync(Timeout);
        }

        Assert.False(outbox.HasRoomFor(1));
        await outbox.EnqueueCommittedAsync([CodeSms(), PasswordSms()], default).AsTask().WaitAsync(Timeout);

        // Counted like any message (new work stays refused until the backlog is under the capacity again), and delivered.
        Assert.Equal(6, await PendingAsync());
        Assert.Equal(6, outbox.Backlog);
        await Assert.ThrowsAsync<FailureException>(() => outbox.EnqueueAsync(CodeSms(), default).AsTask().WaitAsync(Timeout));
        var taken = new List<string>();
        while (await outbox.TryDequeueAsync().WaitAsync(Timeout) is { } message)
        {
            taken.Add(message.Notification.Template);
            await outbox.AcknowledgeAsync(message, default).WaitAsync(Timeout);
        }

        Assert.Equal([.. Enumerable.Repeat(NotificationTemplates.RecoveryCode, 5), NotificationTemplates.RecoveryTemporaryPassword], taken);
        Assert.True(outbox.HasRoomFor(4));
    }

    [Fact]
    public async Task EnqueueAsync_MoreDecoysThanTheCapacity_NothingStoredAndNothingForAnyReader()
    {
        var outbox = Outbox(capacity: 100);
        for (var i = 0; i < 150; i++)
        {
            await outbox.EnqueueAsync(CodeSms() with { Decoy = true }, default).AsTask().WaitAsync(Timeout);
        }

        Assert.Empty(await KeysAsync());
        Assert.Equal(0, outbox.Backlog);
        Assert.True(outbox.HasRoomFor(25));
        Assert.Null(await outbox.TryDequeueAsync().WaitAsync(Timeout));
        Assert.Null(await Outbox(capacity: 100).TryDequeueAsync().WaitAsync(Timeout));
    }

    [Fact]
    public async Task EnqueueAsync_DecoyIntoAFullShardItsNodeBelievesHasRoom_RefusedByTheScriptLikeAMessage()
    {
        var outbox = Outbox(capacity: 100, shards: 1);
        for (var i = 0; i < 100; i++)
        {
            await outbox.EnqueueAsync(CodeSms(), default).AsTask().WaitAsync(Timeout);
        }

        // Nodes that have not heard of the backlog yet: their room check passes, so the script is what refuses.
        var decoyNode = Outbox(capacity: 100, shards: 1);
        var messageNode = Outbox(capacity: 100, shards: 1);
        Assert.True(decoyNode.HasRoomFor(1) && messageNode.HasRoomFor(1));
        var decoy = await Assert.ThrowsAsync<FailureException>(() => decoyNode.EnqueueAsync(CodeSms() with { Decoy = true }, default).AsTask().WaitAsync(Timeout));
        var message = await Assert.ThrowsAsync<FailureException>(() => messageNode.EnqueueAsync(CodeSms(), default).AsTask().WaitAsync(Timeout));

        Assert.Same(OutboxFull.Refusal, decoy.Failure);
        Assert.Same(OutboxFull.Refusal, message.Failure);
        Assert.Equal((100, 100), (decoyNode.Backlog, messageNode.Backlog));
        Assert.Equal(100, await PendingAsync());
        var keys = await KeysAsync();
        Assert.Equal(100, keys.Count(k => k.Contains("}:m:", StringComparison.Ordinal)));
        Assert.DoesNotContain(keys, k => k.Contains("scratch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EnqueueAsync_PairWithRoomForOne_QueuesNeitherAndAPairThatFitsLandsInOrder()
    {
        // One shard: the capacity is the shard's, and the order is the shard's list order.
        var outbox = Outbox(capacity: 3, shards: 1);
        await outbox.EnqueueAsync(CodeSms(), default).AsTask().WaitAsync(Timeout);
        await outbox.EnqueueAsync(CodeSms(), default).AsTask().WaitAsync(Timeout);

        Assert.Same(OutboxFull.Refusal, (await Assert.ThrowsAsync<FailureException>(() => outbox.EnqueueAsync([CodeSms(), PasswordSms()], default).AsTask().WaitAsync(Timeout))).Failure);
        Assert.Equal(2, await PendingAsync());
        Assert.Equal(2, (await KeysAsync()).Count(k => k.Contains("}:m:", StringComparison.Ordinal)));

        var taken = (await outbox.TryDequeueAsync().WaitAsync(Timeout))!;
        await outbox.AcknowledgeAsync(taken, default).WaitAsync(Timeout);
        await outbox.EnqueueAsync([PasswordSms(), CodeSms()], default).AsTask().WaitAsync(Timeout);

        var order = new List<string>();
        while (await outbox.TryDequeueAsync().WaitAsync(Timeout) is { } next)
        {
            order.Add(next.Notification.Values.ContainsKey("temporary_password") ? "password" : "code");
            await outbox.AcknowledgeAsync(next, default).WaitAsync(Timeout);
        }

        Assert.Equal(["code", "password", "code"], order);
        Assert.Empty(await KeysAsync());
    }

    [Fact]
    public async Task EnqueueAsync_CodeAndTemporaryPassword_NoRedisKeyOrValueHoldsThemOrTheDestinationAndNoneExpires()
    {
        var outbox = Outbox();
        await outbox.EnqueueAsync(CodeSms(), default).AsTask().WaitAsync(Timeout);
        await outbox.EnqueueAsync(PasswordSms(), default).AsTask().WaitAsync(Timeout);
        Assert.NotNull(await outbox.TryDequeueAsync().WaitAsync(Timeout)); // one pending, one leased: every key shape exists

        var db = await DatabaseAsync();
        var dump = new List<byte[]>();
        var keys = await KeysAsync();
        Assert.Equal(4, keys.Count); // pending, leases, two messages
        foreach (var key in keys)
        {
            dump.Add(Encoding.UTF8.GetBytes(key));
            dump.AddRange(await ValuesAsync(db, key));

            // Durable by design: a message must outlive any outage until it is delivered.
            Assert.Null(await db.KeyTimeToLiveAsync(key));
        }

        foreach (var secret in new[] { Code, TemporaryPassword, "612345331", "contraseña" })
        {
            var needle = Encoding.UTF8.GetBytes(secret);
            Assert.DoesNotContain(dump, blob => blob.AsSpan().IndexOf(needle) >= 0);
        }
    }

    [Fact]
    public async Task TryDequeueAsync_SealedUnderAnotherCodeKey_DroppedNotDelivered()
    {
        await Outbox().EnqueueAsync(CodeSms(), default).AsTask().WaitAsync(Timeout);

        var rotated = Outbox(key: Enumerable.Repeat((byte)7, 32).ToArray());

        Assert.Null(await rotated.TryDequeueAsync().WaitAsync(Timeout));
        Assert.Empty(await KeysAsync());
    }

    [Fact]
    public async Task NotificationDispatcher_OnRedis_DeliversToTheSenderThenDeletesTheMessage()
    {
        var outbox = Outbox();
        var sender = new RecordingSender();
        using var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var dispatcher = new NotificationDispatcher(
            outbox, [sender], null, new InMemoryRateLimiter(), new SecretKeys(new byte[32], codeKey, new byte[32]), new RecordingAuditLog(),
            Options.Create(new NotificationOptions()), Options.Create(new Notifications.Sms.SmsOptions()), time, NullLogger<NotificationDispatcher>.Instance, outbox,
            metrics.GetRequiredService<IMeterFactory>());
        await dispatcher.StartAsync(default).WaitAsync(Timeout);
        try
        {
            await outbox.EnqueueAsync(CodeSms(), default).AsTask().WaitAsync(Timeout);

            var delivered = await sender.First.WaitAsync(Timeout);
            Assert.Equal(Code, delivered.Values["code"]);
            for (var i = 0; i < 100 && (await KeysAsync()).Count > 0; i++)
            {
                await Task.Delay(50);
            }

            Assert.Empty(await KeysAsync());
        }
        finally
        {
            await dispatcher.StopAsync(default).WaitAsync(Timeout);
        }
    }

    [Fact]
    public async Task HoldAsync_Held_NotDeliverableUntilReleasedThenDeliveredAndNoKeyLeft()
    {
        var outbox = Outbox();
        await outbox.HoldAsync("rec:r-1", "c-1", [CodeSms(), PasswordSms()], default).AsTask().WaitAsync(Timeout);

        Assert.Null(await outbox.TryDequeueAsync().WaitAsync(Timeout));

        await outbox.ReleaseAsync("rec:r-1", default).WaitAsync(Timeout);
        await outbox.ReleaseAsync("rec:r-1", default).WaitAsync(Timeout); // idempotent: nothing twice
        var first = await outbox.TryDequeueAsync().WaitAsync(Timeout);
        await outbox.AcknowledgeAsync(first!, default).WaitAsync(Timeout);
        var second = await outbox.TryDequeueAsync().WaitAsync(Timeout);
        await outbox.AcknowledgeAsync(second!, default).WaitAsync(Timeout);

        Assert.Equal(Code, first!.Notification.Values["code"]);
        Assert.Equal(TemporaryPassword, second!.Notification.Values["temporary_password"]);
        Assert.Null(await outbox.TryDequeueAsync().WaitAsync(Timeout));
        Assert.DoesNotContain(await KeysAsync(), k => k.Contains("}:m:", StringComparison.Ordinal) || k.Contains("}:h:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DropAsync_Held_DeletedUnsentAndItsRoomFreed()
    {
        // One shard, so that the 60 held and the 41 refused compete for the same room.
        var outbox = Outbox(capacity: 100, shards: 1);
        await outbox.HoldAsync("op:o-1", "c-1", Enumerable.Range(0, 60).Select(_ => CodeSms()).ToList(), default).AsTask().WaitAsync(Timeout);

        // Held messages count against the capacity.
        Assert.Same(OutboxFull.Refusal, (await Assert.ThrowsAsync<FailureException>(() => outbox.EnqueueAsync(Enumerable.Range(0, 41).Select(_ => CodeSms()).ToList(), default).AsTask().WaitAsync(Timeout))).Failure);

        await outbox.DropAsync("op:o-1", default).WaitAsync(Timeout);
        await outbox.ReleaseAsync("op:o-1", default).WaitAsync(Timeout); // too late: nothing to release

        Assert.Null(await outbox.TryDequeueAsync().WaitAsync(Timeout));
        Assert.DoesNotContain(await KeysAsync(), k => k.Contains("}:m:", StringComparison.Ordinal));
        await outbox.EnqueueAsync(Enumerable.Range(0, 100).Select(_ => CodeSms()).ToList(), default).AsTask().WaitAsync(Timeout);
    }

    [Fact]
    public async Task SettleAbandonedHoldsAsync_ChangeApplied_ReleasedAfterTheHoldTimeoutByAnyNode()
    {
        var connection = Connection();
        owned.Add(connection);
        var customers = await CustomerAsync(connection);
        var dead = Outbox(connection);
        await dead.HoldAsync("rec:r-1", "c-1", [PasswordSms()], default).AsTask().WaitAsync(Timeout);
        await customers.RestoreWithTemporaryPasswordAsync("c-1", [1, 2, 3], time.GetUtcNow().AddHours(24), 5, "rec:r-1", default).WaitAsync(Timeout);

        // The node died before releasing. Another node leaves the hold alone until its time has passed.
        var survivor = Outbox();
        Assert.Equal(0, await survivor.SettleAbandonedHoldsAsync().WaitAsync(Timeout));
        time.Advance(new NotificationOptions().HoldTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await survivor.SettleAbandonedHoldsAsync().WaitAsync(Timeout));

        var message = await survivor.TryDequeueAsync().WaitAsync(Timeout);
        Assert.Equal(TemporaryPassword, message!.Notification.Values["temporary_password"]);
    }

    [Fact]
    public async Task SettleAbandonedHoldsAsync_ChangeNotApplied_DroppedAndTheChangeCanNeverApply()
    {
        var connection = Connection();
        owned.Add(connection);
        var customers = await CustomerAsync(connection);
        await Outbox(connection).HoldAsync("rec:r-1", "c-1", [PasswordSms()], default).AsTask().WaitAsync(Timeout);
        var before = await customers.GetCredentialsAsync("c-1", default).WaitAsync(Timeout);

        time.Advance(new NotificationOptions().HoldTimeout + TimeSpan.FromSeconds(1));
        var survivor = Outbox();
        Assert.Equal(1, await survivor.SettleAbandonedHoldsAsync().WaitAsync(Timeout));

        // The dying node's change arrives late: refused, nothing changed, nothing sent.
        await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            customers.RestoreWithTemporaryPasswordAsync("c-1", [1, 2, 3], time.GetUtcNow().AddHours(24), 5, "rec:r-1", default).WaitAsync(Timeout));
        Assert.Equal(before!.Version, (await customers.GetCredentialsAsync("c-1", default).WaitAsync(Timeout))!.Version);
        Assert.Null(await survivor.TryDequeueAsync().WaitAsync(Timeout));
        Assert.DoesNotContain(await KeysAsync(), k => k.Contains("}:m:", StringComparison.Ordinal));
    }

    private async Task<RedisCustomerStore> CustomerAsync(RedisConnection connection)
    {
        var customers = new RedisCustomerStore(connection, new SecretKeys(new byte[32], codeKey, new byte[32]), new CryptoRandomSource());
        var customer = new CustomerRecord
        {
            Id = "c-1",
            UserCode = "71234567",
            DisplayName = "SERGIO BARRIOS GÓMEZ",
            Email = "sbarrios@ebcc.es",
            Phone = Phone,
            DocumentId = "12345678Z",
            Cards = [],
        };
        Assert.True(await customers.AddIfAbsentAsync(customer, new CredentialRecord { CustomerId = "c-1", PasswordHash = "$argon2id$old" }, default).WaitAsync(Timeout));
        return customers;
    }

    private static Notification CodeSms() => NotificationTexts.Shipped.RecoveryCodeSms(Phone, Code, TimeSpan.FromMinutes(5), Language.Spanish);

    private static Notification PasswordSms() => NotificationTexts.Shipped.TemporaryPasswordSms(Phone, TemporaryPassword, TimeSpan.FromHours(24), Language.Spanish);

    private RedisConnection Connection()
    {
        return new RedisConnection(Options.Create(new StorageOptions
        {
            Provider = "Redis",
            Redis = new RedisStorageOptions { Configuration = fixture.Server.Configuration, KeyPrefix = prefix },
        }));
    }

    private RedisNotificationOutbox Outbox(RedisConnection? connection = null, int capacity = 10_000, byte[]? key = null, int? shards = null)
    {
        if (connection is null)
        {
            connection = Connection();
            owned.Add(connection);
        }

        var outbox = new RedisNotificationOutbox(
            connection,
            new SecretKeys(new byte[32], key ?? codeKey, new byte[32]),
            new CryptoRandomSource(),
            Options.Create(new NotificationOptions { OutboxCapacity = capacity, VisibilityTimeout = Visibility, OutboxShards = shards ?? new NotificationOptions().OutboxShards }),
            time,
            NullLogger<RedisNotificationOutbox>.Instance);
        owned.Add(outbox);
        return outbox;
    }

    private async Task<IDatabase> DatabaseAsync()
    {
        var mux = await fixture.Server.ConnectAsync();
        owned.Add(mux);
        return mux.GetDatabase();
    }

    // Messages waiting, over every shard's pending list.
    private async Task<long> PendingAsync()
    {
        var db = await DatabaseAsync();
        long total = 0;
        foreach (var key in (await KeysAsync()).Where(k => k.EndsWith("}:pending", StringComparison.Ordinal)))
        {
            total += await db.ListLengthAsync(key);
        }

        return total;
    }

    private async Task<List<string>> KeysAsync()
    {
        var mux = await fixture.Server.ConnectAsync();
        owned.Add(mux);
        var server = mux.GetServer(mux.GetEndPoints()[0]);
        var keys = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: prefix + "*"))
        {
            keys.Add(key.ToString());
        }

        return keys;
    }

    private static async Task<IEnumerable<byte[]>> ValuesAsync(IDatabase db, string key) =>
        await db.KeyTypeAsync(key) switch
        {
            RedisType.List => (await db.ListRangeAsync(key)).Select(v => (byte[])v!),
            RedisType.SortedSet => (await db.SortedSetRangeByRankAsync(key)).Select(v => (byte[])v!),
            RedisType.Hash => (await db.HashGetAllAsync(key)).SelectMany(e => new[] { (byte[])e.Name!, (byte[])e.Value! }),
            RedisType.String => [(byte[])(await db.StringGetAsync(key))!],
            var other => throw new InvalidOperationException($"Unexpected key type {other}."),
        };

    private sealed class RecordingSender : INotificationSender
    {
        private readonly TaskCompletionSource<Notification> first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<Notification> First => first.Task;

        public Task SendAsync(Notification notification, CancellationToken cancellationToken)
        {
            first.TrySetResult(notification);
            return Task.CompletedTask;
        }
    }
}
