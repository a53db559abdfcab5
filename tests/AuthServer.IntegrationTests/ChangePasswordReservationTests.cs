using System.Collections.Concurrent;
using Grpc.Core;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Otp;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// ChangePassword reserves its operation's reference beside the read of the customer (so that the operation, its code
/// and the SMS go together at the end): every answer that opens nothing gives the reference back at once, and the one
/// that opens the operation keeps it. Checked on the store itself: a reference given back can be reserved again by
/// another operation, a kept one cannot. On both providers.
/// </summary>
public abstract class ChangePasswordReservationTests : IntegrationTest
{
    private static readonly DemoCustomer Seed = DemoCustomer.Seed;

    private readonly Recorder recorder;

    private protected ChangePasswordReservationTests(ServerOptions options)
        : this(options, new Recorder())
    {
    }

    private ChangePasswordReservationTests(ServerOptions options, Recorder recorder)
        : base(options with
        {
            Services = services =>
            {
                options.Services?.Invoke(services);
                RecoveryServerFactory.Decorate<IOperationStore>(services, (inner, _) => recorder.Around(inner));
                RecoveryServerFactory.Decorate<INotificationOutbox>(services, (inner, _) => recorder.Around(inner));
            },
        }) =>
        this.recorder = recorder;

    [Fact]
    public async Task ChangePassword_PolicyViolation_ReferenceGivenBackAndNothingOpened()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(Seed);
        var mark = Outbox.Count;

        (await RefusedAsync(() => Api.ChangePasswordAsync(ticket, temporary, "short"))).Is(StatusCode.InvalidArgument, "PASSWORD_POLICY_VIOLATION");

        await AssertGivenBackAsync();
        Assert.Empty(Outbox.Since(mark));
    }

    [Fact]
    public async Task ChangePassword_WrongCurrentPassword_ReferenceGivenBackAndNothingOpened()
    {
        var (ticket, _) = await RecoverAndLogInAsync(Seed);
        var mark = Outbox.Count;

        (await RefusedAsync(() => Api.ChangePasswordAsync(ticket, "Wrong#Temp#1234", DemoCustomer.NewPassword))).Is(StatusCode.InvalidArgument, "CURRENT_PASSWORD_INCORRECT");

        await AssertGivenBackAsync();
        Assert.Empty(Outbox.Since(mark));
    }

    [Fact]
    public async Task ChangePassword_OutboxFullAfterTheReservation_ReferenceGivenBackAndNothingOpened()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(Seed);
        var mark = Outbox.Count;
        recorder.Full = true;

        (await RefusedAsync(() => Api.ChangePasswordAsync(ticket, temporary, DemoCustomer.NewPassword))).Is(StatusCode.Unavailable, "OVERLOADED");

        await AssertGivenBackAsync();
        Assert.Empty(Outbox.Since(mark));
    }

    [Fact]
    public async Task ChangePassword_Opened_TheOperationKeepsTheReservedReference()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(Seed);

        var opened = await Api.ChangePasswordAsync(ticket, temporary, DemoCustomer.NewPassword);

        var (reference, id) = Assert.Single(recorder.Reserved);
        Assert.Equal((opened.Operation.Reference, opened.Operation.OperationId), (reference, id));
        Assert.Empty(recorder.Released);
        Assert.False(await recorder.Inner!.TryReserveReferenceAsync(reference, "someone-else", Time.GetUtcNow() + TimeSpan.FromMinutes(10), CancellationToken.None).Timeout());
        Assert.Equal(id, (await recorder.Inner.FindByReferenceAsync(reference, CancellationToken.None).Timeout())?.Id);
    }

    private async Task AssertGivenBackAsync()
    {
        var (reference, id) = Assert.Single(recorder.Reserved);
        Assert.Equal([(reference, id)], recorder.Released);
        Assert.Null(await recorder.Inner!.GetAsync(id, CancellationToken.None).Timeout());
        Assert.True(await recorder.Inner.TryReserveReferenceAsync(reference, "someone-else", Time.GetUtcNow() + TimeSpan.FromMinutes(10), CancellationToken.None).Timeout());
    }

    /// <summary>Records the reservations made and given back; with <see cref="Full"/>, an outbox whose room check refuses.</summary>
    private sealed class Recorder
    {
        private volatile bool full;

        public ConcurrentQueue<(string Reference, string OperationId)> Reserved { get; } = new();

        public ConcurrentQueue<(string Reference, string OperationId)> Released { get; } = new();

        public IOperationStore? Inner { get; private set; }

        public bool Full
        {
            get => full;
            set => full = value;
        }

        public IOperationStore Around(IOperationStore inner)
        {
            Inner = inner;
            return new RecordingStore(this, inner);
        }

        public INotificationOutbox Around(INotificationOutbox inner) => new RefusingOutbox(this, inner);

        private sealed class RecordingStore(Recorder recorder, IOperationStore inner) : IOperationStore
        {
            public Task<bool> TryCreateAsync(OperationRecord operation, CancellationToken cancellationToken) => inner.TryCreateAsync(operation, cancellationToken);

            public async Task<bool> TryReserveReferenceAsync(string reference, string operationId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
            {
                var reserved = await inner.TryReserveReferenceAsync(reference, operationId, expiresAt, cancellationToken);
                if (reserved)
                {
                    recorder.Reserved.Enqueue((reference, operationId));
                }

                return reserved;
            }

            public Task CreateReservedAsync(OperationRecord operation, CancellationToken cancellationToken) => inner.CreateReservedAsync(operation, cancellationToken);

            public async Task ReleaseReferenceAsync(string reference, string operationId, CancellationToken cancellationToken)
            {
                await inner.ReleaseReferenceAsync(reference, operationId, cancellationToken);
                recorder.Released.Enqueue((reference, operationId));
            }

            public Task<OperationRecord?> GetAsync(string operationId, CancellationToken cancellationToken) => inner.GetAsync(operationId, cancellationToken);

            public Task<OperationRecord?> FindByReferenceAsync(string reference, CancellationToken cancellationToken) => inner.FindByReferenceAsync(reference, cancellationToken);

            public Task<CardCheckTake> TryTakeCardCheckAsync(string operationId, int max, CancellationToken cancellationToken) =>
                inner.TryTakeCardCheckAsync(operationId, max, cancellationToken);

            public Task<string?> FindIdByReferenceAsync(string reference, CancellationToken cancellationToken) => inner.FindIdByReferenceAsync(reference, cancellationToken);

            public Task<(CardCheckTake Take, ReissueResult? Reissue)> TryTakeCardCheckAndReissueAsync(
                string operationId, int max, string challengeId, ChallengeReissue? reissue, CancellationToken cancellationToken) =>
                inner.TryTakeCardCheckAndReissueAsync(operationId, max, challengeId, reissue, cancellationToken);

            public Task<CodeClosure> CloseCodeAndCompleteAsync(
                string operationId, string challengeId, Operations.OperationState state, CancellationToken cancellationToken, bool releaseReference = true) =>
                inner.CloseCodeAndCompleteAsync(operationId, challengeId, state, cancellationToken, releaseReference);

            public Task<bool> TryCompleteAsync(string operationId, Operations.OperationState state, CancellationToken cancellationToken) =>
                inner.TryCompleteAsync(operationId, state, cancellationToken);

            public Task<OperationCodeStep> TrySmsCodeAsync(OperationSmsCode code, CancellationToken cancellationToken) => inner.TrySmsCodeAsync(code, cancellationToken);

            public Task<VerifyResult?> UseAppStepAsync(
                string customerId, string challengeId, string authenticatorId, long timeStep, WrongCodeUnit unit, DateTimeOffset now, CancellationToken cancellationToken,
                string? attemptChangeId = null) =>
                inner.UseAppStepAsync(customerId, challengeId, authenticatorId, timeStep, unit, now, cancellationToken, attemptChangeId);
        }

        private sealed class RefusingOutbox(Recorder recorder, INotificationOutbox inner) : INotificationOutbox
        {
            public long Backlog => inner.Backlog;

            public bool HasRoomFor(int messages) => !recorder.Full && inner.HasRoomFor(messages);

            public ValueTask EnqueueAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken) => inner.EnqueueAsync(notifications, cancellationToken);

            public ValueTask EnqueueCommittedAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken) => inner.EnqueueCommittedAsync(notifications, cancellationToken);

            public ValueTask HoldAsync(string changeId, string customerId, IReadOnlyList<Notification> notifications, CancellationToken cancellationToken) =>
                inner.HoldAsync(changeId, customerId, notifications, cancellationToken);

            public Task ReleaseAsync(string changeId, CancellationToken cancellationToken) => inner.ReleaseAsync(changeId, cancellationToken);

            public Task ReleaseAnnouncedAsync(string changeId, CancellationToken cancellationToken) => inner.ReleaseAnnouncedAsync(changeId, cancellationToken);

            public Task DropAsync(string changeId, CancellationToken cancellationToken) => inner.DropAsync(changeId, cancellationToken);

            public Task DropAnnouncedAsync(string changeId, CancellationToken cancellationToken) => inner.DropAnnouncedAsync(changeId, cancellationToken);
        }
    }
}

public sealed class InMemoryChangePasswordReservationTests() : ChangePasswordReservationTests(ServerOptions.Default);

public sealed class RedisChangePasswordReservationTests(RedisServerFixture fixture)
    : ChangePasswordReservationTests(new ServerOptions(Redis: (fixture.Server.Configuration, RedisServerFixture.UniquePrefix()))), IClassFixture<RedisServerFixture>;
