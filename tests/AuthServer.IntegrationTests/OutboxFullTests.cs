using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using OtpNet;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.IntegrationTests.Infrastructure;
using Recovery.AuthServer.Notifications;
using Recovery.V1;

namespace Recovery.AuthServer.IntegrationTests;

/// <summary>
/// A full outbox gets one answer on every step that sends a message: UNAVAILABLE <c>OVERLOADED</c> with
/// RetryInfo 1 s, the very same status whether the step's room check found the outbox full or a parallel
/// call filled it between that check and the write. Refused at the check, the step changed and sent
/// nothing: once there is room, the same request succeeds (no code consumed, no resend or card check spent).
/// A step whose messages are held beside a credential change (ConfirmRecovery, SignOperation, ConfirmAuthenticator) is
/// the exception once past its check: the change applies whatever the hold's answer, and a committed change's messages
/// are queued beyond the capacity (<see cref="INotificationOutbox.EnqueueCommittedAsync"/>).
/// </summary>
public sealed class OutboxFullTests : IntegrationTest
{
    /// <summary>The published development token of appsettings.Development.json.</summary>
    private const string CallCentreToken = "REVWRUxPUE1FTlQtY2FsbC1jZW50cmUtdG9rZW4tbm90LWEtc2VjcmV0LTAx";

    private static readonly DemoCustomer Maria = DemoCustomer.Maria;

    private readonly OutboxValve valve;

    public OutboxFullTests()
        : this(new OutboxValve())
    {
    }

    private OutboxFullTests(OutboxValve valve)
        : base(new ServerOptions(Services: services =>
            RecoveryServerFactory.Decorate<INotificationOutbox>(services, (inner, _) => valve.Around(inner))))
    {
        this.valve = valve;
    }

    public static TheoryData<string> Steps() =>
    [
        "StartRecovery", "ResendRecoveryCode", "ConfirmRecovery", "ChangePassword", "ResendOperationCode", "SignOperation",
        "EnrollAuthenticator", "ConfirmAuthenticator", "IssueOperationCodeByVoice",
    ];

    /// <summary>The steps that are refused whole when the outbox fills between their room check and their write.</summary>
    public static TheoryData<string> RefusedSteps() =>
    [
        "StartRecovery", "ResendRecoveryCode", "ChangePassword", "ResendOperationCode", "EnrollAuthenticator", "IssueOperationCodeByVoice",
    ];

    /// <summary>The steps whose messages are held beside a credential change, with the templates they send.</summary>
    public static TheoryData<string, string[]> CommittedSteps() => new()
    {
        { "ConfirmRecovery", [NotificationTemplates.RecoveryUserCode, NotificationTemplates.RecoveryTemporaryPassword] },
        { "SignOperation", [NotificationTemplates.PasswordChanged] },
        { "ConfirmAuthenticator", [NotificationTemplates.AuthenticatorAdded] },
    };

    /// <summary>What docs/errors.md promises for a full outbox, as the caller decodes it.</summary>
    private static Google.Rpc.Status Overloaded => new()
    {
        Code = (int)StatusCode.Unavailable,
        Message = "Message delivery is saturated; try again shortly.",
        Details =
        {
            Any.Pack(new ErrorInfo { Reason = ErrorReasons.Overloaded, Domain = ErrorReasons.Domain }),
            Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)) }),
        },
    };

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task Step_OutboxFullAtItsRoomCheck_OverloadedNothingSentAndTheSameRequestSucceedsOnceThereIsRoom(string step)
    {
        var call = await ArrangeAsync(step);
        var mark = Outbox.Count;
        var decoys = Outbox.Decoys;
        valve.Mode = OutboxValve.State.Full;

        var refused = await StatusOfAsync(call);

        Assert.Equal(Overloaded, refused);
        Assert.Empty(Outbox.Since(mark));
        Assert.Equal(decoys, Outbox.Decoys);
        Assert.Equal(0, valve.Writes);

        valve.Mode = OutboxValve.State.Open;
        await call().WaitAsync(RecoveryApi.Timeout);
        Assert.NotEmpty(Outbox.Since(mark));
    }

    [Theory]
    [MemberData(nameof(RefusedSteps))]
    public async Task Step_OutboxFilledBetweenItsRoomCheckAndTheWrite_TheSameAnswer(string step)
    {
        var call = await ArrangeAsync(step);
        var mark = Outbox.Count;
        valve.Mode = OutboxValve.State.FillsAfterCheck;

        var refused = await StatusOfAsync(call);

        Assert.Equal(Overloaded, refused);
        Assert.True(valve.Writes > 0, "The step reached the outbox's write.");
        Assert.Empty(Outbox.Since(mark));
    }

    [Theory]
    [MemberData(nameof(CommittedSteps))]
    public async Task Step_OutboxFilledBetweenItsRoomCheckAndTheHoldBesideItsChange_ChangeAppliesAndItsMessagesAreQueuedAnyway(string step, string[] templates)
    {
        var call = await ArrangeAsync(step);
        var mark = Outbox.Count;

        // Full for every write that could be refused, for good: only the committed change's queueing passes.
        valve.Mode = OutboxValve.State.FillsAfterCheck;
        await call().WaitAsync(RecoveryApi.Timeout);

        Assert.Equal(1, valve.Writes);
        Assert.Equal(templates.Order(StringComparer.Ordinal), Outbox.Since(mark).Select(n => n.Template).Order(StringComparer.Ordinal));
        if (step == "ConfirmRecovery")
        {
            // The restore applied: the temporary password the SMS carries opens the account (and asks for a change).
            valve.Mode = OutboxValve.State.Open;
            var sms = Outbox.Single(mark, NotificationTemplates.RecoveryTemporaryPassword);
            await AssertChangeRequiredAsync(Maria, sms.Values["temporary_password"]);
        }
    }

    [Fact]
    public async Task ConfirmAuthenticator_OutboxFilledForTheHoldBesideTheStep_ConfirmedAndTheEmailQueuedAfterIt()
    {
        var call = await ArrangeAsync("ConfirmAuthenticator");
        var mark = Outbox.Count;

        // The hold, sent beside the step, finds the outbox full; room is back when the step has confirmed.
        valve.Mode = OutboxValve.State.RefusesOneWrite;
        await call().WaitAsync(RecoveryApi.Timeout);

        Assert.Equal(1, valve.Writes);
        var email = Assert.Single(Outbox.Since(mark));
        Assert.Equal((NotificationTemplates.AuthenticatorAdded, Maria.Email), (email.Template, email.To));
    }

    private static async Task<Google.Rpc.Status> StatusOfAsync(Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => call().WaitAsync(RecoveryApi.Timeout));
        return ex.GetRpcStatus() ?? throw new InvalidOperationException("No google.rpc.Status in the trailers.");
    }

    /// <summary>Brings the customer to just before <paramref name="step"/>, with room; returns the step's call.</summary>
    private async Task<Func<Task>> ArrangeAsync(string step)
    {
        switch (step)
        {
            case "StartRecovery":
                return () => Api.StartAsync(Maria);
            case "ResendRecoveryCode":
            {
                var (started, _) = await StartAsync(Maria);
                Time.Advance(TimeSpan.FromMinutes(1));
                return () => Api.ResendAsync(started.RecoveryId);
            }

            case "ConfirmRecovery":
            {
                var (started, code) = await StartAsync(Maria);
                return () => Api.ConfirmAsync(started.RecoveryId, code);
            }

            case "ChangePassword":
            {
                var (ticket, temporary) = await RecoverAndLogInAsync(Maria);
                return () => Api.ChangePasswordAsync(ticket, temporary, DemoCustomer.NewPassword);
            }

            case "ResendOperationCode":
            {
                var (operation, _) = await OpenOperationAsync();
                Time.Advance(TimeSpan.FromMinutes(1));
                return () => Api.ResendOperationCodeAsync(operation.OperationId);
            }

            case "SignOperation":
            {
                var (operation, code) = await OpenOperationAsync();
                return () => Api.SignAsync(operation.OperationId, code);
            }

            case "EnrollAuthenticator":
            {
                var session = await SessionAsync();
                return () => Api.EnrollAuthenticatorAsync(session);
            }

            case "ConfirmAuthenticator":
            {
                var session = await SessionAsync();
                var mark = Outbox.Count;
                var enrolled = await Api.EnrollAuthenticatorAsync(session);
                var smsCode = Outbox.Single(mark, NotificationTemplates.AuthenticatorCode).Values[CodeKey];
                var appCode = new Totp(Base32Encoding.ToBytes(enrolled.Secret)).ComputeTotp(Time.GetUtcNow().UtcDateTime);
                return () => Api.ConfirmAuthenticatorAsync(session, appCode, smsCode);
            }

            case "IssueOperationCodeByVoice":
            {
                var (operation, _) = await OpenOperationAsync();
                Time.Advance(TimeSpan.FromMinutes(1));
                var agent = new CallCentreService.CallCentreServiceClient(Api.Channel);
                var request = new IssueOperationCodeByVoiceRequest { Reference = operation.Reference, CardNumber = Maria.Card, CardExpiry = Maria.Expiry };
                return () => RecoveryApi.CallAsync(agent.IssueOperationCodeByVoiceAsync(request, new CallOptions(
                    new Metadata { { "authorization", "Bearer " + CallCentreToken }, { "x-agent-id", "agente.0042" } },
                    DateTime.UtcNow + RecoveryApi.Deadline)));
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(step), step, "Not a step that sends a message.");
        }
    }

    private async Task<(Operation Operation, string Code)> OpenOperationAsync()
    {
        var (ticket, temporary) = await RecoverAndLogInAsync(Maria);
        return await OpenChangeAsync(ticket, temporary, DemoCustomer.NewPassword);
    }

    private async Task<string> SessionAsync()
    {
        var login = await Api.LoginAsync(Maria.UserCode, Maria.InitialPassword);
        Assert.Equal(LoginResponse.ResultOneofCase.Session, login.ResultCase);
        return login.Session.Token;
    }

    /// <summary>
    /// In front of the server's outbox: open (as is), full (no room, and a write is refused as a full outbox
    /// refuses it), or filled after the check (room when asked, then the write is refused: a parallel call took
    /// the room). A refused write throws <see cref="OutboxFull.Exception"/>, what both real outboxes throw when
    /// full (InMemoryNotificationOutboxTests, RedisNotificationOutboxTests).
    /// </summary>
    private sealed class OutboxValve
    {
        private int writes;
        private volatile State mode;

        public enum State
        {
            Open,
            Full,
            FillsAfterCheck,

            /// <summary>Room when asked; the next write is refused, then the valve is open again.</summary>
            RefusesOneWrite,
        }

        public State Mode
        {
            get => mode;
            set => mode = value;
        }

        /// <summary>Writes (enqueue or hold) the steps attempted while the valve was not open.</summary>
        public int Writes => Volatile.Read(ref writes);

        public INotificationOutbox Around(INotificationOutbox inner) => new Valved(this, inner);

        private void Write()
        {
            if (Mode == State.RefusesOneWrite)
            {
                Mode = State.Open;
                Interlocked.Increment(ref writes);
                throw OutboxFull.Exception();
            }

            if (Mode != State.Open)
            {
                Interlocked.Increment(ref writes);
                throw OutboxFull.Exception();
            }
        }

        private sealed class Valved(OutboxValve valve, INotificationOutbox inner) : INotificationOutbox
        {
            public long Backlog => inner.Backlog;

            public bool HasRoomFor(int messages) => valve.Mode switch
            {
                State.Full => false,
                State.FillsAfterCheck or State.RefusesOneWrite => true,
                _ => inner.HasRoomFor(messages),
            };

            public ValueTask EnqueueAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
            {
                valve.Write();
                return inner.EnqueueAsync(notifications, cancellationToken);
            }

            // A full outbox takes a committed change's messages (INotificationOutbox.EnqueueCommittedAsync): no valve.
            public ValueTask EnqueueCommittedAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken) =>
                inner.EnqueueCommittedAsync(notifications, cancellationToken);

            public ValueTask HoldAsync(string changeId, string customerId, IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
            {
                valve.Write();
                return inner.HoldAsync(changeId, customerId, notifications, cancellationToken);
            }

            public Task ReleaseAsync(string changeId, CancellationToken cancellationToken) => inner.ReleaseAsync(changeId, cancellationToken);

            public Task ReleaseAnnouncedAsync(string changeId, CancellationToken cancellationToken) => inner.ReleaseAnnouncedAsync(changeId, cancellationToken);

            public Task DropAsync(string changeId, CancellationToken cancellationToken) => inner.DropAsync(changeId, cancellationToken);

            public Task DropAnnouncedAsync(string changeId, CancellationToken cancellationToken) => inner.DropAnnouncedAsync(changeId, cancellationToken);
        }
    }
}
