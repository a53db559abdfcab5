using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Customers;

/// <summary>
/// <see cref="CredentialChanges.ApplyBesideHoldAsync"/> on the in-memory stores: the messages go if and only if the
/// change applied, whether the hold, the change or what runs beside it fails. The change here is what a store step that
/// records its own change does (the enrolment's SMS-code step): it writes the outcome into the customer's memory of
/// changes, which the settle after a failure reads.
/// </summary>
public sealed class CredentialChangesTests
{
    private const string CustomerId = TestCustomer.Id;
    private const string ChangeId = "authn:e-1:t-1";

    private static readonly Notification Email = new(NotificationChannel.Email, "ana@example.es", NotificationTemplates.AuthenticatorAdded, new Dictionary<string, string>(), "text", "es");

    private readonly InMemoryCustomerStore customers = new();
    private readonly InMemoryNotificationOutbox outbox = new(Options.Create(new NotificationOptions { OutboxCapacity = 10 }));

    public CredentialChangesTests() => TestCustomer.AddTo(customers, passwordHash: null);

    [Fact]
    public async Task ApplyBesideHoldAsync_ChangeApplied_MessagesQueuedAndWhatRanBesideItAwaited()
    {
        var beside = new TaskCompletionSource();

        var applying = Changes(outbox).ApplyBesideHoldAsync(CustomerId, ChangeId, [Email], _ => StepAsync(applied: true), r => r, () => beside.Task);

        // Not done before what runs beside the change is.
        Assert.False(applying.IsCompleted);
        beside.SetResult();
        Assert.True(await applying.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, outbox.Backlog);
        Assert.Equal([Email], Queued());
    }

    [Fact]
    public async Task ApplyBesideHoldAsync_ChangeRefused_NothingQueuedNothingLeftHeld()
    {
        var ran = false;

        var applied = await Changes(outbox).ApplyBesideHoldAsync(CustomerId, ChangeId, [Email], _ => StepAsync(applied: false), r => r, () =>
        {
            ran = true;
            return Task.CompletedTask;
        }).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(applied);
        Assert.True(ran);
        Assert.Empty(Queued());
        Assert.Equal(0, outbox.Backlog);
    }

    [Fact]
    public async Task ApplyBesideHoldAsync_ChangeAppliedThenItsReplyLost_SettledAppliedMessagesQueuedAndTheChangesFailureSurfaces()
    {
        Func<CancellationToken, Task<bool>> step = async _ =>
        {
            await StepAsync(applied: true);
            throw new StorageUnavailableException("The reply was lost.");
        };

        // What ran beside it fails too: its failure is dropped, the change's is the caller's.
        await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            Changes(outbox).ApplyBesideHoldAsync(CustomerId, ChangeId, [Email], step, r => r, () => Task.FromException(new InvalidOperationException("beside"))).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal([Email], Queued());
    }

    [Fact]
    public async Task ApplyBesideHoldAsync_ChangeFailsBeforeApplying_SettledDroppedNothingQueuedAndTheChangeCanNeverApply()
    {
        await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            Changes(outbox).ApplyBesideHoldAsync<bool>(CustomerId, ChangeId, [Email], _ => throw new StorageUnavailableException("Not run."), r => r).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Empty(Queued());
        Assert.Equal(0, outbox.Backlog);
        Assert.True(customers.IsChangeSettled(CustomerId, ChangeId));
        Assert.False(await customers.SettleChangeAsync(CustomerId, ChangeId, CancellationToken.None));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ApplyBesideHoldAsync_HoldRefused_MessagesQueuedAfterTheChangeOnlyIfItApplied(bool applies)
    {
        var refusing = new HoldRefusingOutbox(outbox);

        var applied = await Changes(refusing).ApplyBesideHoldAsync(CustomerId, ChangeId, [Email], _ => StepAsync(applies), r => r).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(applies, applied);
        Assert.Equal(1, refusing.HoldsRefused);
        Assert.Equal(applies ? [Email] : [], Queued());
    }

    [Fact]
    public async Task ApplyBesideHoldAsync_OutboxFullForTheHold_ChangeAppliesAndItsMessagesAreQueuedBeyondTheCapacity()
    {
        var full = new InMemoryNotificationOutbox(Options.Create(new NotificationOptions { OutboxCapacity = 1 }));
        await full.EnqueueAsync([Email], CancellationToken.None);

        // The capacity sheds new work; a change that committed must still send its messages.
        Assert.True(await Changes(full).ApplyBesideHoldAsync(CustomerId, ChangeId, [Email], _ => StepAsync(applied: true), r => r).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.True(await customers.SettleChangeAsync(CustomerId, ChangeId, CancellationToken.None));
        Assert.Equal(2, full.Reader.Count);
        Assert.False(full.HasRoomFor(1));
    }

    private CredentialChanges Changes(INotificationOutbox through) => new(customers, through, NullLogger<CredentialChanges>.Instance);

    // A store step that records its own change, as the enrolment's SMS-code step does.
    private Task<bool> StepAsync(bool applied)
    {
        customers.RecordChange(CustomerId, ChangeId, applied);
        return Task.FromResult(applied);
    }

    private List<Notification> Queued()
    {
        var queued = new List<Notification>();
        while (outbox.Reader.TryRead(out var n))
        {
            queued.Add(n);
        }

        return queued;
    }

    /// <summary>The in-memory outbox whose holds are refused as a full outbox refuses them (a race took the room).</summary>
    private sealed class HoldRefusingOutbox(INotificationOutbox inner) : INotificationOutbox
    {
        public int HoldsRefused { get; private set; }

        public long Backlog => inner.Backlog;

        public bool HasRoomFor(int messages) => inner.HasRoomFor(messages);

        public ValueTask EnqueueAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken) => inner.EnqueueAsync(notifications, cancellationToken);

        public ValueTask EnqueueCommittedAsync(IReadOnlyList<Notification> notifications, CancellationToken cancellationToken) => inner.EnqueueCommittedAsync(notifications, cancellationToken);

        public ValueTask HoldAsync(string changeId, string customerId, IReadOnlyList<Notification> notifications, CancellationToken cancellationToken)
        {
            HoldsRefused++;
            throw OutboxFull.Exception();
        }

        public Task ReleaseAsync(string changeId, CancellationToken cancellationToken) => inner.ReleaseAsync(changeId, cancellationToken);

        public Task ReleaseAnnouncedAsync(string changeId, CancellationToken cancellationToken) => inner.ReleaseAnnouncedAsync(changeId, cancellationToken);

        public Task DropAsync(string changeId, CancellationToken cancellationToken) => inner.DropAsync(changeId, cancellationToken);

        public Task DropAnnouncedAsync(string changeId, CancellationToken cancellationToken) => inner.DropAnnouncedAsync(changeId, cancellationToken);
    }
}
