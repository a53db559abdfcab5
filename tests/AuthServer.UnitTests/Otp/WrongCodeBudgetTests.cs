using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Storage;
using Recovery.AuthServer.Storage.InMemory;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Otp;

// Runs alone (TimingTests): a try that finds the budget busy gives up after WrongCodeBudget.MaxBusyWait of real time
// (2 s), and with the whole suite beside it on a loaded machine the test thread was once held up 7 s between starting a
// waiting try and checking that it still waited.
[Collection(TimingTests.Name)]
public class WrongCodeBudgetTests
{
    private const int Limit = 2;
    private static readonly string[] Scope = ["rc:card"];
    private static readonly VerifyResult Wrong = new(VerifyStatus.Incorrect, 2, Counted: true);

    private readonly FakeTimeProvider time = TestClock.Create();
    private readonly InMemoryWrongCodeLedger ledger = new();
    private readonly WrongCodeBudget budget;
    private readonly CancellationToken ct = CancellationToken.None;

    public WrongCodeBudgetTests() => budget = new WrongCodeBudget(ledger, new SeededRandom(7), Options.Create(new OtpOptions()), time);

    [Fact]
    public async Task TryAsync_RightCodes_GiveTheirTriesBack()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(VerifyStatus.Verified, (await TryAsync(new VerifyResult(VerifyStatus.Verified))).Result.Status);
        }

        Assert.False((await TryAsync(Wrong)).JustFilled);
        Assert.True((await TryAsync(Wrong)).JustFilled);
    }

    [Fact]
    public async Task TryAsync_BudgetSpent_NothingEvaluatedAndExhaustedUntilTheOldestLeavesTheWindow()
    {
        await TryAsync(Wrong);
        await TryAsync(Wrong);
        var evaluated = false;

        var refused = await budget.TryAsync(Scope, Limit, _ => { evaluated = true; return Task.FromResult(new VerifyResult(VerifyStatus.Verified)); }, () => Task.FromResult<VerifyResult?>(null), ct);

        Assert.False(evaluated);
        Assert.Equal(new CodeTry(new VerifyResult(VerifyStatus.Closed), Exhausted: true, FullUntil: TestClock.Start + TimeSpan.FromHours(24)), refused);
    }

    [Fact]
    public async Task TryAsync_EvaluationThrows_TheTryStaysCountedAsWrong()
    {
        await Assert.ThrowsAsync<StorageUnavailableException>(() => budget.TryAsync(Scope, Limit, _ => throw new StorageUnavailableException("down"), () => Task.FromResult<VerifyResult?>(null), ct));

        Assert.True((await TryAsync(Wrong)).JustFilled);
    }

    [Fact]
    public async Task TryAsync_BusyWithParallelTriesAndTheChallengeSettled_AnswersItsStateWithoutEvaluating()
    {
        // Two tries of other calls are being evaluated (taken, not settled).
        await ledger.TakeAsync(Scope, "other-1", Limit, TimeSpan.FromHours(24), time.GetUtcNow(), ct);
        await ledger.TakeAsync(Scope, "other-2", Limit, TimeSpan.FromHours(24), time.GetUtcNow(), ct);
        var evaluated = false;

        var answer = await budget.TryAsync(Scope, Limit, _ => { evaluated = true; return Task.FromResult(Wrong); }, () => Task.FromResult<VerifyResult?>(new VerifyResult(VerifyStatus.Burned)), ct);

        Assert.False(evaluated);
        Assert.Equal(new CodeTry(new VerifyResult(VerifyStatus.Burned)), answer);
    }

    [Fact]
    public async Task TryAsync_BusyUntilAParallelTryIsGivenBack_ThenEvaluates()
    {
        await ledger.TakeAsync(Scope, "other-1", Limit, TimeSpan.FromHours(24), time.GetUtcNow(), ct);
        await ledger.TakeAsync(Scope, "other-2", Limit, TimeSpan.FromHours(24), time.GetUtcNow(), ct);

        var waiting = budget.TryAsync(Scope, Limit, _ => Task.FromResult(Wrong), () => Task.FromResult<VerifyResult?>(null), ct);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        await ledger.SettleAsync(Scope, "other-1", counted: false, Limit, TimeSpan.FromHours(24), time.GetUtcNow(), ct);

        var result = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(VerifyStatus.Incorrect, result.Result.Status);
        Assert.False(result.Exhausted);
    }

    [Fact]
    public async Task TryAsync_EvaluationGivesTheUnitBackItself_NoSettleOfItsOwnAndWhileSettlingRunsWithTheResult()
    {
        var counting = new CountingLedger(ledger);
        var own = new WrongCodeBudget(counting, new SeededRandom(7), Options.Create(new OtpOptions()), time);
        VerifyResult? seen = null;

        var tried = await own.TryAsync(
            Scope,
            Limit,
            async unit =>
            {
                // As a TOTP step's script does: the unit given back uncounted in the evaluation's own store step.
                await ledger.SettleAsync(unit.Scopes, unit.Token, counted: false, unit.Limit, unit.Window, time.GetUtcNow(), ct);
                unit.MarkGivenBack();
                return new VerifyResult(VerifyStatus.AlreadyUsed);
            },
            () => Task.FromResult<VerifyResult?>(null),
            ct,
            whileSettling: result => Task.FromResult(seen = result));

        Assert.Equal(VerifyStatus.AlreadyUsed, tried.Result.Status);
        Assert.Equal(VerifyStatus.AlreadyUsed, seen?.Status);
        Assert.Equal(0, counting.Settles);
        // The budget is whole again: two wrong codes still fit, the second filling it.
        Assert.False((await TryAsync(Wrong)).JustFilled);
        Assert.True((await TryAsync(Wrong)).JustFilled);
    }

    [Fact]
    public async Task TryAsync_UnitGivenBackForACountedCode_ProgramError()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => budget.TryAsync(
            Scope, Limit, unit => { unit.MarkGivenBack(); return Task.FromResult(Wrong); }, () => Task.FromResult<VerifyResult?>(null), ct));
    }

    // The ledger, counting the settles the budget sends of its own.
    private sealed class CountingLedger(IWrongCodeLedger inner) : IWrongCodeLedger
    {
        public int Settles { get; private set; }

        public Task<WrongCodeTake> TakeAsync(IReadOnlyList<string> scopes, string token, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken) =>
            inner.TakeAsync(scopes, token, limit, window, now, cancellationToken);

        public Task<WrongCodeSettled> SettleAsync(
            IReadOnlyList<string> scopes, string token, bool counted, int limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
        {
            Settles++;
            return inner.SettleAsync(scopes, token, counted, limit, window, now, cancellationToken);
        }
    }

    private Task<CodeTry> TryAsync(VerifyResult outcome) =>
        budget.TryAsync(Scope, Limit, _ => Task.FromResult(outcome), () => Task.FromResult<VerifyResult?>(null), ct);
}
