using Microsoft.Extensions.Time.Testing;
using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.SharedTests.Storage;

/// <summary>What every <see cref="IWrongCodeLedger"/> must do, run against each provider.</summary>
public abstract class WrongCodeLedgerContract
{
    protected static readonly TimeSpan Window = TimeSpan.FromHours(24);
    protected const int Limit = 3;

    private static readonly string[] Card = ["rc:card"];
    private static readonly string[] CardAndDocument = ["rc:card", "rd:doc"];
    private static readonly string[] Document = ["rd:doc"];
    private readonly CancellationToken ct = CancellationToken.None;
    private int tokens;

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));

    protected abstract IWrongCodeLedger CreateLedger();

    [Fact]
    public async Task TakeAsync_LimitOfWrongCodes_FillsOnTheLastAndRefusesTheNextUntilTheOldestLeavesTheWindow()
    {
        var ledger = CreateLedger();
        var first = Time.GetUtcNow();
        Assert.False((await WrongAsync(ledger, Card)).JustFilled);
        Time.Advance(TimeSpan.FromHours(1));
        Assert.False((await WrongAsync(ledger, Card)).JustFilled);
        var filled = await WrongAsync(ledger, Card);

        Assert.Equal(new WrongCodeSettled(true, first + Window), filled);
        Assert.Equal(new WrongCodeTake(false, Busy: false, FreesAt: first + Window), await TakeAsync(ledger, Card, Next()));

        Time.Advance(Window - TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        Assert.False((await TakeAsync(ledger, Card, Next())).Granted);
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True((await TakeAsync(ledger, Card, Next())).Granted);
    }

    [Fact]
    public async Task SettleAsync_NotCounted_GivesTheTryBack()
    {
        var ledger = CreateLedger();
        for (var i = 0; i < 10; i++)
        {
            var token = Next();
            Assert.True((await TakeAsync(ledger, Card, token)).Granted);
            Assert.Equal(new WrongCodeSettled(), await ledger.SettleAsync(Card, token, counted: false, Limit, Window, Time.GetUtcNow(), ct).Within());
        }

        await WrongAsync(ledger, Card);
        await WrongAsync(ledger, Card);
        Assert.True((await WrongAsync(ledger, Card)).JustFilled);
    }

    [Fact]
    public async Task TakeAsync_OneScopeFull_NoScopeIsCharged()
    {
        var ledger = CreateLedger();
        for (var i = 0; i < Limit; i++)
        {
            await WrongAsync(ledger, Document);
        }

        Assert.False((await TakeAsync(ledger, CardAndDocument, Next())).Granted);

        // The card alone still has its whole budget: the refused take charged it nothing.
        for (var i = 0; i < Limit - 1; i++)
        {
            Assert.False((await WrongAsync(ledger, Card)).JustFilled);
        }

        Assert.True((await WrongAsync(ledger, Card)).JustFilled);
    }

    [Fact]
    public async Task TakeAsync_FullOfPendingTries_BusyUntilTheyAreSettled()
    {
        var ledger = CreateLedger();
        var pending = Enumerable.Range(0, Limit).Select(_ => Next()).ToList();
        foreach (var token in pending)
        {
            Assert.True((await TakeAsync(ledger, Card, token)).Granted);
        }

        Assert.True((await TakeAsync(ledger, Card, Next())).Busy);

        await ledger.SettleAsync(Card, pending[0], counted: false, Limit, Window, Time.GetUtcNow(), ct).Within();
        Assert.True((await TakeAsync(ledger, Card, Next())).Granted);
    }

    [Fact]
    public async Task TakeAsync_PendingTryNeverSettled_CountsAsWrongOnceStale()
    {
        var ledger = CreateLedger();
        for (var i = 0; i < Limit; i++)
        {
            await TakeAsync(ledger, Card, Next());
        }

        Time.Advance(TimeSpan.FromMinutes(1));

        // A node that died between take and settle leaves its tries counted, never "busy" for ever.
        Assert.Equal(new WrongCodeTake(false, Busy: false, FreesAt: Time.GetUtcNow() - TimeSpan.FromMinutes(1) + Window), await TakeAsync(ledger, Card, Next()));
    }

    [Fact]
    public async Task TakeAsync_FiftyInParallel_ExactlyTheLimitGranted()
    {
        var ledger = CreateLedger();
        var takes = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => ledger.TakeAsync(CardAndDocument, "t" + i, Limit, Window, Time.GetUtcNow(), ct))).Within();

        Assert.Equal(Limit, takes.Count(t => t.Granted));
        Assert.All(takes.Where(t => !t.Granted), t => Assert.True(t.Busy));
    }

    [Fact]
    public async Task SettleAsync_ScopesAreIndependentOfOtherScopes()
    {
        var ledger = CreateLedger();
        for (var i = 0; i < Limit; i++)
        {
            await WrongAsync(ledger, ["sg:c-1"]);
        }

        Assert.True((await TakeAsync(ledger, ["sg:c-2"], Next())).Granted);
        Assert.True((await TakeAsync(ledger, ["en:c-1"], Next())).Granted);
    }

    private async Task<WrongCodeSettled> WrongAsync(IWrongCodeLedger ledger, string[] scopes)
    {
        var token = Next();
        Assert.True((await TakeAsync(ledger, scopes, token)).Granted);
        return await ledger.SettleAsync(scopes, token, counted: true, Limit, Window, Time.GetUtcNow(), ct).Within();
    }

    private Task<WrongCodeTake> TakeAsync(IWrongCodeLedger ledger, string[] scopes, string token) =>
        ledger.TakeAsync(scopes, token, Limit, Window, Time.GetUtcNow(), ct).Within();

    private string Next() => "t" + Interlocked.Increment(ref tokens);
}
