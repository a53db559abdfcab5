using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Idempotency;

namespace Recovery.AuthServer.SharedTests.Storage;

/// <summary>What every <see cref="IIdempotencyStore"/> provider must do; run once per provider by a sealed subclass.</summary>
public abstract class IdempotencyStoreContract
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    protected static readonly TimeSpan Ttl = TimeSpan.FromMinutes(10);
    protected static readonly string Scope = StoreContractSecrets.Mac("scope-1");
    protected static readonly string Request = StoreContractSecrets.Mac("request-1");

    private IIdempotencyStore? store;

    protected FakeTimeProvider Time { get; } = new(Start);

    protected IIdempotencyStore Store => store ??= CreateStore(Time);

    protected DateTimeOffset Now => Time.GetUtcNow();

    protected static CancellationToken Ct => CancellationToken.None;

    protected abstract IIdempotencyStore CreateStore(TimeProvider time);

    protected Task<IdempotencyBegin> BeginAsync(string? request = null, string? scope = null) =>
        Store.TryBeginAsync(scope ?? Scope, request ?? Request, Now, Ttl, Ct).Within();

    [Fact]
    public async Task TryBeginAsync_FiftyParallelCallers_ExactlyOneNewTheRestInProgress()
    {
        await Store.AbandonAsync(Scope, Ct).Within(); // create the store (and connect) once, before the race

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => BeginAsync()))).Within();

        Assert.Single(results, r => r.Status == IdempotencyStatus.New);
        Assert.Equal(49, results.Count(r => r.Status == IdempotencyStatus.InProgress));
    }

    [Fact]
    public async Task TryBeginAsync_SameScopeOtherRequest_MismatchWhileInProgressAndAfterCompletion()
    {
        await BeginAsync();

        Assert.Equal(IdempotencyStatus.Mismatch, (await BeginAsync(StoreContractSecrets.Mac("request-2"))).Status);

        await Store.CompleteAsync(Scope, [1, 2, 3], Now, Ttl, Ct).Within();
        Assert.Equal(IdempotencyStatus.Mismatch, (await BeginAsync(StoreContractSecrets.Mac("request-2"))).Status);
    }

    [Fact]
    public async Task CompleteAsync_ThenBegin_CompletedWithTheStoredResponse()
    {
        await BeginAsync();

        await Store.CompleteAsync(Scope, [0, 1, 2, 255], Now, Ttl, Ct).Within();

        var again = await BeginAsync();
        Assert.Equal(IdempotencyStatus.Completed, again.Status);
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, again.Response);
    }

    [Fact]
    public async Task CompleteAsync_WithACondition_CompletedWithTheResponseAndItsCondition()
    {
        await BeginAsync();

        await Store.CompleteAsync(Scope, [7, 8], Now, Ttl, Ct, condition: "operation-applied\nc-1\nop-1\n3").Within();

        var again = await BeginAsync();
        Assert.Equal((IdempotencyStatus.Completed, "operation-applied\nc-1\nop-1\n3"), (again.Status, again.Condition));
        Assert.Equal(new byte[] { 7, 8 }, again.Response);
    }

    [Fact]
    public async Task CompleteAsync_WithoutACondition_CompletedWithNoCondition()
    {
        await BeginAsync();

        await Store.CompleteAsync(Scope, [1], Now, Ttl, Ct).Within();

        Assert.Null((await BeginAsync()).Condition);
    }

    [Fact]
    public async Task CompleteAsync_EmptyResponse_CompletedWithEmptyResponse()
    {
        // An all-default protobuf message serializes to no bytes at all; it is still a response.
        await BeginAsync();

        await Store.CompleteAsync(Scope, [], Now, Ttl, Ct).Within();

        var again = await BeginAsync();
        Assert.Equal(IdempotencyStatus.Completed, again.Status);
        Assert.Empty(again.Response!);
    }

    [Fact]
    public async Task AbandonAsync_ThenBegin_NewAgain()
    {
        await BeginAsync();

        await Store.AbandonAsync(Scope, Ct).Within();

        Assert.Equal(IdempotencyStatus.New, (await BeginAsync()).Status);
    }

    [Fact]
    public async Task AbandonAsync_Unknown_NoError()
    {
        await Store.AbandonAsync(Scope, Ct).Within();

        Assert.Equal(IdempotencyStatus.New, (await BeginAsync()).Status);
    }

    [Fact]
    public async Task TryBeginAsync_AfterTtl_NewEvenWithAnotherRequest()
    {
        await BeginAsync();
        await Store.CompleteAsync(Scope, [1], Now, Ttl, Ct).Within();
        Time.Advance(Ttl);

        Assert.Equal(IdempotencyStatus.New, (await BeginAsync(StoreContractSecrets.Mac("request-2"))).Status);
    }

    [Fact]
    public async Task CompleteAsync_AfterTheMarkerExpired_DoesNotRevive()
    {
        await BeginAsync();
        Time.Advance(Ttl);

        await Store.CompleteAsync(Scope, [1], Now, Ttl, Ct).Within();

        Assert.Equal(IdempotencyStatus.New, (await BeginAsync()).Status);
    }

    [Fact]
    public async Task Scopes_AreIndependent()
    {
        await BeginAsync();
        await Store.CompleteAsync(Scope, [1], Now, Ttl, Ct).Within();

        Assert.Equal(IdempotencyStatus.New, (await BeginAsync(StoreContractSecrets.Mac("request-2"), StoreContractSecrets.Mac("scope-2"))).Status);
        Assert.Equal(IdempotencyStatus.Completed, (await BeginAsync()).Status);
    }
}
