using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Access;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Customers;
using Recovery.AuthServer.Notifications;
using Recovery.AuthServer.Operations;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Operations;

/// <summary>
/// The lifecycle both flows share, on the in-memory stores, with the access flow's password change as the
/// operation's change (the store rules themselves: OperationRuleCases).
/// </summary>
public sealed class OperationLifecycleTests
{
    private const string CustomerId = TestCustomer.Id;
    private const string OldHash = TestCustomer.OldHash;
    private const string NewHash = TestCustomer.NewHash;
    private const int HistoryDepth = 5;

    // 13522111 + 10^7 = reference 23522111; 1 + 10^7 = reference 10000001.
    private const int FirstDraw = 13_522_111;
    private const int SecondDraw = 1;

    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private readonly CancellationToken ct = CancellationToken.None;
    private readonly FakeTimeProvider time = TestClock.Create();
    private readonly InMemoryOperationStore operations;
    private readonly InMemoryCustomerStore customers = new();
    private readonly InMemoryNotificationOutbox outbox = new(Options.Create(new NotificationOptions { OutboxCapacity = 100 }));
    private readonly ScriptedRandom draws = new(FirstDraw, FirstDraw, SecondDraw);
    private readonly OperationLifecycle lifecycle;
    private readonly OperationPasswordChange change;

    public OperationLifecycleTests()
    {
        var challenges = new InMemoryChallengeStore(time);
        operations = InMemoryOperationStores.Create(challenges, time);
        var codes = new ScriptedRandom(123456, 234567, 345678);
        var otp = new OtpEngine(challenges, new OtpCodeGenerator(codes), TestKeys.Create(), codes, Options.Create(new OtpOptions()), time);
        var changes = new CredentialChanges(customers, outbox, NullLogger<CredentialChanges>.Instance);
        change = new OperationPasswordChange(customers, changes, NotificationTexts.Shipped);
        lifecycle = new OperationLifecycle(operations, change, otp, Options.Create(new OtpOptions()), draws, time);
        TestCustomer.AddTo(customers);
    }

    [Fact]
    public async Task OpenPasswordChangeAsync_FreeReference_StoredPendingWithTheDescriptionAndACodeForIt()
    {
        var (op, code) = await OpenAsync();

        Assert.Equal("23522111", op.Reference);
        Assert.Equal("Cambio de contraseña de Usuario de Banca Electrónica", op.Description);
        Assert.Equal("032", op.PhoneLastDigits);
        Assert.Equal(TestClock.Start + Lifetime, op.ExpiresAt);
        Assert.Equal(op, await operations.FindByReferenceAsync("23522111", ct));
        Assert.Equal(VerifyStatus.Verified, (await lifecycle.VerifyCodeAsync(op, code.Code, otherFactorEnrolled: false, ct)).Status);
    }

    [Fact]
    public async Task OpenPasswordChangeAsync_ReferenceHeldByAnOpenOperation_DrawsAnother()
    {
        var (first, _) = await OpenAsync();

        var (second, _) = await OpenAsync();

        Assert.Equal("10000001", second.Reference);
        Assert.Equal(3, draws.RequestedBounds.Count(b => b == 90_000_000));
        Assert.Equal(first.Id, (await operations.FindByReferenceAsync("23522111", ct))!.Id);
        Assert.Equal(second.Id, (await operations.FindByReferenceAsync("10000001", ct))!.Id);
    }

    [Fact]
    public async Task OpenPasswordChangeAsync_EveryDrawTaken_ThrowsAfterSixteenDrawsAndStoresNothingMore()
    {
        var random = new ScriptedRandom(FirstDraw);

        // Ids are drawn from the same scripted bytes as the holder's: skip one so they differ, as random ids do.
        random.Fill(new byte[1]);
        var codes = new ScriptedRandom(123456);
        var otp = new OtpEngine(new InMemoryChallengeStore(time), new OtpCodeGenerator(codes), TestKeys.Create(), codes, Options.Create(new OtpOptions()), time);
        var change = new OperationPasswordChange(customers, new CredentialChanges(customers, outbox, NullLogger<CredentialChanges>.Instance), NotificationTexts.Shipped);
        var stuck = new OperationLifecycle(operations, change, otp, Options.Create(new OtpOptions()), random, time);
        var (holder, _) = await OpenAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => OpenAsync(stuck));

        Assert.Equal(16, random.RequestedBounds.Count(b => b == 90_000_000));
        Assert.Equal(holder.Id, (await operations.FindByReferenceAsync("23522111", ct))!.Id);
        Assert.Equal(1, operations.ReferenceCount);
    }

    [Fact]
    public async Task OpenReservedPasswordChangeAsync_FreeReference_OpenedUnderTheReservationWithALifetimeFromIt()
    {
        var reservation = await lifecycle.ReserveAsync(CustomerId, Lifetime, ct);
        time.Advance(TimeSpan.FromSeconds(2));

        var (op, code, stored) = await OpenReservedAsync(reservation);
        await stored;

        Assert.True(reservation.Reserved);
        Assert.Equal((reservation.Id, "23522111"), (op.Id, op.Reference));
        Assert.Equal((TestClock.Start, TestClock.Start + Lifetime), (op.CreatedAt, op.ExpiresAt));
        Assert.Equal(op, await operations.FindByReferenceAsync("23522111", ct));
        Assert.Equal(VerifyStatus.Verified, (await lifecycle.VerifyCodeAsync(op, code.Code, otherFactorEnrolled: false, ct)).Status);
    }

    [Fact]
    public async Task ReserveAsync_AnyCustomer_AnIdThatNamesTheSlotTwinOfTheCustomersGroupAndNotTheCustomer()
    {
        var reservation = await lifecycle.ReserveAsync(CustomerId, Lifetime, ct);
        var op = (await OpenReservedAsync(reservation)).Operation;

        // Six digits (the twin), '_', a 22-character random token: the group shares the customer's slot.
        Assert.Equal(29, op.Id.Length);
        Assert.Equal('_', op.Id[6]);
        Assert.DoesNotContain(CustomerId, op.Id, StringComparison.Ordinal);
        Assert.Equal(SlotTwins.SlotOf("c:" + CustomerId), SlotTwins.SlotOf(OperationLifecycle.Group(op.Id)));
        Assert.True(OperationLifecycle.InCustomerGroup(op));
        Assert.False(OperationLifecycle.InCustomerGroup(op with { CustomerId = "c-2" }));
    }

    [Fact]
    public void Group_AnIdOfAnEarlierVersion_ItsOwnGroupAsThen()
    {
        const string earlier = "AAAAAAAAAAAAAAAAAAAAAA";

        Assert.Equal("op:" + earlier, OperationLifecycle.Group(earlier));
        Assert.Equal("{op:" + earlier + "}code", OperationLifecycle.ChallengeId(earlier));
    }

    [Fact]
    public async Task OpenReservedPasswordChangeAsync_ReferenceTakenWhenReserved_DrawsAnother()
    {
        var (first, _) = await OpenAsync();

        var reservation = await lifecycle.ReserveAsync(CustomerId, Lifetime, ct);
        var (second, _, stored) = await OpenReservedAsync(reservation);
        await stored;

        Assert.False(reservation.Reserved);
        Assert.Equal("10000001", second.Reference);
        Assert.Equal(first.Id, (await operations.FindByReferenceAsync("23522111", ct))!.Id);
        Assert.Equal(second.Id, (await operations.FindByReferenceAsync("10000001", ct))!.Id);
    }

    [Fact]
    public async Task ReleaseAsync_ReservationNotOpened_ReferenceFreeForTheNextOperation()
    {
        var reservation = await lifecycle.ReserveAsync(CustomerId, Lifetime, ct);

        await lifecycle.ReleaseAsync(reservation);
        var (op, _) = await OpenAsync();

        Assert.Equal("23522111", op.Reference);
        Assert.Equal(op.Id, (await operations.FindByReferenceAsync("23522111", ct))!.Id);
        Assert.Null(await operations.GetAsync(reservation.Id, ct));
    }

    [Fact]
    public async Task VerifyCodeAsync_OperationContentChangedAfterIssue_CodeDoesNotSignIt()
    {
        var (op, code) = await OpenAsync();

        // Dynamic linking: the code is bound to the new password's digest, the text and the reference.
        var altered = op with { PendingPasswordHash = OldHash };

        Assert.NotEqual(VerifyStatus.Verified, (await lifecycle.VerifyCodeAsync(altered, code.Code, otherFactorEnrolled: false, ct)).Status);
        Assert.Equal(VerifyStatus.Verified, (await lifecycle.VerifyCodeAsync(op, code.Code, otherFactorEnrolled: false, ct)).Status);
    }

    [Fact]
    public async Task PendingAsync_UnknownId_OperationNotFound()
    {
        var outcome = await lifecycle.PendingAsync("nope", ct);

        Assert.Equal(ErrorReasons.OperationNotFound, outcome.Failure!.Reason);
    }

    [Fact]
    public async Task PendingAsync_PastItsEnd_NotPendingExpiredAndRecordedSo()
    {
        var (op, _) = await OpenAsync();
        time.Advance(Lifetime);

        var outcome = await lifecycle.PendingAsync(op.Id, ct);

        Assert.Equal(ErrorReasons.OperationNotPending, outcome.Failure!.Reason);
        Assert.Equal("EXPIRED", outcome.Failure.Metadata["state"]);
        Assert.Equal(OperationState.Expired, (await operations.GetAsync(op.Id, ct))!.State);
    }

    [Fact]
    public async Task PendingWithAsync_Pending_TheWorkRanOnTheOperationAndItsResultReturned()
    {
        var (op, _) = await OpenAsync();
        time.Advance(TimeSpan.FromMinutes(1));

        var outcome = await lifecycle.PendingWithAsync(op.Id, o => lifecycle.ReissueCodeAsync(o, ct), ct);

        Assert.Equal(op, outcome.Value.Operation);
        Assert.Equal(ReissueStatus.Reissued, outcome.Value.Alongside.Result.Status);
        Assert.Equal(OperationState.Pending, (await operations.GetAsync(op.Id, ct))!.State);
    }

    [Fact]
    public async Task PendingWithAsync_CommitAppliedButStateNotRecorded_NotPendingSignedAndTheReissueRefusedByTheUsedCode()
    {
        var (op, code) = await OpenAsync();
        Assert.Equal(VerifyStatus.Verified, (await lifecycle.VerifyCodeAsync(op, code.Code, otherFactorEnrolled: false, ct)).Status);
        Assert.True(await customers.CommitPasswordAsync(CustomerId, NewHash, 1, HistoryDepth, CredentialChanges.OfOperation(op.Id), ct));
        time.Advance(TimeSpan.FromMinutes(1));
        (ReissueResult Result, IssuedCode? Code)? reissue = null;

        var outcome = await lifecycle.PendingWithAsync(op.Id, async o => reissue = await lifecycle.ReissueCodeAsync(o, ct), ct);

        Assert.Equal(ErrorReasons.OperationNotPending, outcome.Failure!.Reason);
        Assert.Equal("SIGNED", outcome.Failure.Metadata["state"]);
        Assert.Equal(OperationState.Signed, (await operations.GetAsync(op.Id, ct))!.State);
        Assert.Equal((ReissueStatus.NotActive, null), (reissue!.Value.Result.Status, reissue.Value.Code));
        Assert.Equal(ChallengeState.Used, (await lifecycle.ChallengeAsync(op, ct))!.State);
    }

    [Fact]
    public async Task PendingWithAsync_PastItsEndOrUnknown_RefusedAndTheWorkNeverRuns()
    {
        var (op, _) = await OpenAsync();
        time.Advance(Lifetime);
        var ran = 0;

        var expired = await lifecycle.PendingWithAsync(op.Id, _ => Task.FromResult(++ran), ct);
        var unknown = await lifecycle.PendingWithAsync("nope", _ => Task.FromResult(++ran), ct);

        Assert.Equal(("EXPIRED", ErrorReasons.OperationNotFound, 0), (expired.Failure!.Metadata["state"], unknown.Failure!.Reason, ran));
        Assert.Equal(OperationState.Expired, (await operations.GetAsync(op.Id, ct))!.State);
    }

    [Fact]
    public async Task CurrentStateAsync_CommitAppliedButStateNotRecorded_RecordedSigned()
    {
        var (op, _) = await OpenAsync();

        // The node died between the commit and recording the state.
        Assert.True(await customers.CommitPasswordAsync(CustomerId, NewHash, 1, HistoryDepth, CredentialChanges.OfOperation(op.Id), ct));

        Assert.Equal(OperationState.Signed, await lifecycle.CurrentStateAsync(op, ct));
        Assert.Equal(OperationState.Signed, (await operations.GetAsync(op.Id, ct))!.State);
    }

    [Fact]
    public async Task CurrentStateAsync_PendingAndCredentialsUnchanged_PendingAndNothingWritten()
    {
        var (op, _) = await OpenAsync();

        Assert.Equal(OperationState.Pending, await lifecycle.CurrentStateAsync(op, ct));
        Assert.Equal(op, await operations.GetAsync(op.Id, ct));
        Assert.Equal(OldHash, (await customers.GetCredentialsAsync(CustomerId, ct))!.PasswordHash);
    }

    [Fact]
    public async Task CommitBesideHoldAsync_CurrentVersion_PasswordInForceEmailQueuedAlongsideRunAndSignedForItsFirstReader()
    {
        var (op, _) = await OpenAsync();
        var email = change.EmailOf(op, (await customers.GetAsync(CustomerId, ct))!);
        var alongside = false;

        Assert.True(await lifecycle.CommitBesideHoldAsync(op, HistoryDepth, email, () => Task.FromResult(alongside = true)));

        var credentials = (await customers.GetCredentialsAsync(CustomerId, ct))!;
        Assert.Equal(NewHash, credentials.PasswordHash);
        Assert.Equal(2, credentials.Version);
        Assert.Equal(1, outbox.Backlog);
        Assert.True(alongside);

        // Left recorded pending by the signature; its first reader finds the change applied and records it Signed.
        Assert.Equal(OperationState.Pending, (await operations.GetAsync(op.Id, ct))!.State);
        Assert.Equal(OperationState.Signed, await lifecycle.CurrentStateAsync(op, ct));
        Assert.Equal(OperationState.Signed, (await operations.GetAsync(op.Id, ct))!.State);
    }

    [Fact]
    public async Task CurrentStateAsync_SignedInTimeButFirstReadPastItsEnd_SignedNotExpired()
    {
        var (op, _) = await OpenAsync();
        var email = change.EmailOf(op, (await customers.GetAsync(CustomerId, ct))!);
        Assert.True(await lifecycle.CommitBesideHoldAsync(op, HistoryDepth, email, alongside: null));
        time.Advance(Lifetime);

        Assert.Equal(OperationState.Signed, await lifecycle.CurrentStateAsync(op, ct));
        Assert.Equal(OperationState.Signed, (await operations.GetAsync(op.Id, ct))!.State);
    }

    [Fact]
    public async Task CommitBesideHoldAsync_CredentialsChangedAfterOpening_FalseRecordedExpiredNothingSentAndAlongsideRunBesideIt()
    {
        var (op, _) = await OpenAsync();
        var email = change.EmailOf(op, (await customers.GetAsync(CustomerId, ct))!);
        Assert.True(await customers.CommitPasswordAsync(CustomerId, OldHash + "x", 1, HistoryDepth, "other-change", ct));
        var alongside = false;

        Assert.False(await lifecycle.CommitBesideHoldAsync(op, HistoryDepth, email, () => Task.FromResult(alongside = true)));

        Assert.Equal(OldHash + "x", (await customers.GetCredentialsAsync(CustomerId, ct))!.PasswordHash);
        Assert.Equal(0, outbox.Backlog);
        Assert.Equal(OperationState.Expired, (await operations.GetAsync(op.Id, ct))!.State);
        // Sent beside the change, it runs whether the change applies or not (SignOperation's ticket deletion: a ticket
        // of the customer's previous credentials version is dead either way).
        Assert.True(alongside);
    }

    [Fact]
    public async Task CancelAsync_Pending_CancelledAndTheCodeNoLongerSigns()
    {
        var (op, code) = await OpenAsync();

        Assert.Equal(OperationState.Cancelled, await lifecycle.CancelAsync(op, ct));

        Assert.Equal(OperationState.Cancelled, (await operations.GetAsync(op.Id, ct))!.State);
        Assert.Equal(VerifyStatus.Closed, (await lifecycle.VerifyCodeAsync(op, code.Code, otherFactorEnrolled: false, ct)).Status);
        Assert.Equal(OldHash, (await customers.GetCredentialsAsync(CustomerId, ct))!.PasswordHash);
    }

    [Fact]
    public async Task CancelAsync_CodeUsedAndCommitApplied_SignedNotCancelled()
    {
        var (op, code) = await OpenAsync();
        Assert.Equal(VerifyStatus.Verified, (await lifecycle.VerifyCodeAsync(op, code.Code, otherFactorEnrolled: false, ct)).Status);
        Assert.True(await customers.CommitPasswordAsync(CustomerId, NewHash, 1, HistoryDepth, CredentialChanges.OfOperation(op.Id), ct));

        Assert.Equal(OperationState.Signed, await lifecycle.CancelAsync(op, ct));
        Assert.Equal(OperationState.Signed, (await operations.GetAsync(op.Id, ct))!.State);
    }

    [Fact]
    public async Task CancelAsync_CodeUsedButCommitNeverApplied_CancelledAndTheChangeFencedOff()
    {
        var (op, code) = await OpenAsync();
        Assert.Equal(VerifyStatus.Verified, (await lifecycle.VerifyCodeAsync(op, code.Code, otherFactorEnrolled: false, ct)).Status);

        Assert.Equal(OperationState.Cancelled, await lifecycle.CancelAsync(op, ct));

        // Settled as dropped: the change can never apply later, behind the customer's back.
        Assert.False(await customers.CommitPasswordAsync(CustomerId, NewHash, 1, HistoryDepth, CredentialChanges.OfOperation(op.Id), ct));
        Assert.Equal(OldHash, (await customers.GetCredentialsAsync(CustomerId, ct))!.PasswordHash);
    }

    [Fact]
    public async Task EndAsync_Pending_CodeClosedAndRecordedExpired()
    {
        var (op, code) = await OpenAsync();

        await lifecycle.EndAsync(op, ct);

        Assert.Equal(OperationState.Expired, (await operations.GetAsync(op.Id, ct))!.State);
        Assert.Equal(VerifyStatus.Closed, (await lifecycle.VerifyCodeAsync(op, code.Code, otherFactorEnrolled: false, ct)).Status);
    }

    [Fact]
    public async Task ReissueCodeAsync_AfterTheCooldown_NewCodeSignsAndTheOldOneNoLonger()
    {
        var (op, first) = await OpenAsync();
        time.Advance(TimeSpan.FromSeconds(30));

        var (result, second) = await lifecycle.ReissueCodeAsync(op, ct);

        Assert.Equal(ReissueStatus.Reissued, result.Status);
        Assert.NotEqual(first.Code, second!.Code);
        Assert.NotEqual(VerifyStatus.Verified, (await lifecycle.VerifyCodeAsync(op, first.Code, otherFactorEnrolled: false, ct)).Status);
        Assert.Equal(VerifyStatus.Verified, (await lifecycle.VerifyCodeAsync(op, second.Code, otherFactorEnrolled: false, ct)).Status);
    }

    private Task<(OperationRecord Operation, IssuedCode Code, Task Stored)> OpenReservedAsync(OperationReservation reservation) =>
        lifecycle.OpenReservedPasswordChangeAsync(reservation, CustomerId, "+34612345032", 1, NewHash, Language.Spanish, "ticket-hash", ct);

    private Task<(OperationRecord Operation, IssuedCode Code)> OpenAsync(OperationLifecycle? on = null) =>
        (on ?? lifecycle).OpenPasswordChangeAsync(CustomerId, "+34612345032", 1, NewHash, Language.Spanish, "ticket-hash", Lifetime, ct);
}
