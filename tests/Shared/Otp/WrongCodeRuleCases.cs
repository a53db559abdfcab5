using Recovery.AuthServer.Otp;

namespace Recovery.AuthServer.SharedTests.Otp;

/// <summary>
/// The wrong-code ledger's rules as a table: every branch of WrongCodeRules.Take and Settle, each as one step from
/// given scope entries. The same rows run on the pure functions (UnitTests.Otp.WrongCodeRulesTests), on the in-memory
/// ledger (UnitTests.Storage.InMemoryWrongCodeRuleContractTests) and on Redis
/// (IntegrationTests.Storage.RedisWrongCodeRuleContractTests).
/// </summary>
internal static class WrongCodeRuleCases
{
    public const int Limit = 3;

    public const string Token = "t";

    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>Every step's now; the given entries are at or before it (offsets in seconds).</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    private static readonly DateTimeOffset OldestFrees = At(-100) + Window;

    public static IReadOnlyList<WrongCodeRuleCase> All { get; } =
    [
        // WrongCodeRules.Take.
        Take("Take_EmptyScopes_GrantedPendingInEach", Scopes(), ["a", "b"], new(true), Scopes(("a", [P(Token, 0)]), ("b", [P(Token, 0)]))),
        Take("Take_BelowTheLimit_Granted", Scopes(("a", [W("1", -100), W("2", -50)])), ["a"], new(true), Scopes(("a", [W("1", -100), W("2", -50), P(Token, 0)]))),
        Take(
            "Take_LimitOfWrongCodes_RefusedNotBusyUntilTheOldestLeaves",
            Scopes(("a", [W("1", -100), W("2", -50), W("3", -10)])), ["a"],
            new(false, Busy: false, FreesAt: OldestFrees),
            Scopes(("a", [W("1", -100), W("2", -50), W("3", -10)]))),
        Take(
            "Take_FullWithALivePendingTry_RefusedBusy",
            Scopes(("a", [W("1", -100), W("2", -50), P("3", -29)])), ["a"],
            new(false, Busy: true, FreesAt: OldestFrees),
            Scopes(("a", [W("1", -100), W("2", -50), P("3", -29)]))),
        Take(
            "Take_FullWithAPendingTryAtTheTimeout_RefusedNotBusy",
            Scopes(("a", [W("1", -100), W("2", -50), P("3", -30)])), ["a"],
            new(false, Busy: false, FreesAt: OldestFrees),
            Scopes(("a", [W("1", -100), W("2", -50), P("3", -30)]))),
        Take(
            "Take_OldestAtTheWindowsEdge_LeftItGranted",
            Scopes(("a", [W("1", -3600), W("2", -50), W("3", -10)])), ["a"],
            new(true),
            Scopes(("a", [W("2", -50), W("3", -10), P(Token, 0)]))),
        Take(
            "Take_OldestJustInsideTheWindow_StillRefused",
            Scopes(("a", [W("1", -3599), W("2", -50), W("3", -10)])), ["a"],
            new(false, Busy: false, FreesAt: At(1)),
            Scopes(("a", [W("1", -3599), W("2", -50), W("3", -10)]))),
        Take(
            "Take_OneScopeFull_RefusedAndNoScopeCharged",
            Scopes(("a", [W("1", -100), W("2", -50), W("3", -10)]), ("b", [W("4", -20)])), ["a", "b"],
            new(false, Busy: false, FreesAt: OldestFrees),
            Scopes(("a", [W("1", -100), W("2", -50), W("3", -10)]), ("b", [W("4", -20)]))),
        Take(
            "Take_TwoScopesFull_BusyIfEitherFreesAtTheLater",
            Scopes(("a", [W("1", -200), W("2", -50), W("3", -10)]), ("b", [W("4", -100), W("5", -60), P("6", -5)])), ["a", "b"],
            new(false, Busy: true, FreesAt: OldestFrees),
            Scopes(("a", [W("1", -200), W("2", -50), W("3", -10)]), ("b", [W("4", -100), W("5", -60), P("6", -5)]))),
        Take(
            "Take_ScopeNamedTwice_OneEntry",
            Scopes(("a", [W("1", -100), W("2", -50)])), ["a", "a"],
            new(true),
            Scopes(("a", [W("1", -100), W("2", -50), P(Token, 0)]))),

        // WrongCodeRules.Settle.
        Settle("Settle_Counted_KeptAsWrong", Scopes(("a", [W("1", -100), P(Token, -1)])), ["a"], true, new(), Scopes(("a", [W("1", -100), W(Token, -1)]))),
        Settle(
            "Settle_CountedFillingTheScope_JustFilledUntilTheOldestLeaves",
            Scopes(("a", [W("1", -100), W("2", -50), P(Token, -1)])), ["a"], true,
            new(JustFilled: true, FullUntil: OldestFrees),
            Scopes(("a", [W("1", -100), W("2", -50), W(Token, -1)]))),
        Settle(
            "Settle_CountedBeyondTheLimit_FullNotJustFilled",
            Scopes(("a", [W("1", -100), W("2", -50), W("3", -20), P(Token, -1)])), ["a"], true,
            new(JustFilled: false, FullUntil: OldestFrees),
            Scopes(("a", [W("1", -100), W("2", -50), W("3", -20), W(Token, -1)]))),
        Settle(
            "Settle_StalePendingTry_CountsTowardTheFill",
            Scopes(("a", [W("1", -100), P("2", -40), P(Token, -1)])), ["a"], true,
            new(JustFilled: true, FullUntil: OldestFrees),
            Scopes(("a", [W("1", -100), P("2", -40), W(Token, -1)]))),
        Settle(
            "Settle_LivePendingTry_DoesNotCountTowardTheFill",
            Scopes(("a", [W("1", -100), P("2", -20), P(Token, -1)])), ["a"], true,
            new(),
            Scopes(("a", [W("1", -100), P("2", -20), W(Token, -1)]))),
        Settle("Settle_NotCounted_GivenBack", Scopes(("a", [W("1", -100), P(Token, -1)])), ["a"], false, new(), Scopes(("a", [W("1", -100)]))),
        Settle(
            "Settle_NotCountedInAFullScope_NothingReported",
            Scopes(("a", [W("1", -100), W("2", -50), W("3", -20), P(Token, -1)])), ["a"], false,
            new(),
            Scopes(("a", [W("1", -100), W("2", -50), W("3", -20)]))),
        Settle(
            "Settle_InEveryScope_FilledWhereTheLimitIsReached",
            Scopes(("a", [W("1", -100), W("2", -50), P(Token, -1)]), ("b", [P(Token, -1)])), ["a", "b"], true,
            new(JustFilled: true, FullUntil: OldestFrees),
            Scopes(("a", [W("1", -100), W("2", -50), W(Token, -1)]), ("b", [W(Token, -1)]))),
        Settle(
            "Settle_UnknownTokenInAFullScope_Nothing",
            Scopes(("a", [W("1", -100), W("2", -50), W("3", -20)])), ["a"], true,
            new(),
            Scopes(("a", [W("1", -100), W("2", -50), W("3", -20)]))),
        Settle(
            "Settle_AlreadySettled_NothingTwice",
            Scopes(("a", [W("1", -100), W("2", -50), W(Token, -1)])), ["a"], true,
            new(),
            Scopes(("a", [W("1", -100), W("2", -50), W(Token, -1)]))),
        Settle(
            "Settle_PendingTryThatLeftTheWindow_NothingSettled",
            Scopes(("a", [P(Token, -3600), W("1", -100), W("2", -50), W("3", -20)])), ["a"], true,
            new(),
            Scopes(("a", [W("1", -100), W("2", -50), W("3", -20)]))),
    ];

    public static TheoryData<string> Names => new(All.Select(c => c.Name));

    public static WrongCodeRuleCase Named(string name) => All.Single(c => c.Name == name);

    public static DateTimeOffset At(int seconds) => Now + TimeSpan.FromSeconds(seconds);

    /// <summary>The step on the pure function: its answer and the entries of each scope it names after it.</summary>
    public static (object Result, IReadOnlyDictionary<string, WrongCodeEntry[]> Then) OnRules(WrongCodeRuleCase c)
    {
        var scopes = c.Scopes.Distinct(StringComparer.Ordinal).ToArray();
        var given = scopes.Select(s => (IReadOnlyList<WrongCodeEntry>)c.Given.GetValueOrDefault(s, [])).ToArray();
        (object Result, IReadOnlyList<IReadOnlyList<WrongCodeEntry>> Scopes) step = c.Settle
            ? Unpack(WrongCodeRules.Settle(given, c.Token, c.Counted, Limit, Window, Now))
            : Unpack(WrongCodeRules.Take(given, c.Token, Limit, Window, Now));
        return (step.Result, scopes.Select((s, i) => (s, step.Scopes[i])).ToDictionary(p => p.s, p => p.Item2.ToArray(), StringComparer.Ordinal));
    }

    /// <summary>Sets a ledger up with the given entries (takes and settles at their times, no limit), then runs the step.</summary>
    public static async Task<object> OnLedgerAsync(WrongCodeRuleCase c, IWrongCodeLedger ledger)
    {
        var entries = c.Given.SelectMany(s => s.Value.Select(e => (Scope: s.Key, Entry: e)));
        foreach (var token in entries.GroupBy(e => e.Entry.Token).OrderBy(g => g.First().Entry.At))
        {
            var (at, pending) = (token.First().Entry.At, token.First().Entry.Pending);
            var scopes = token.Select(e => e.Scope).ToArray();
            Assert.True((await ledger.TakeAsync(scopes, token.Key, int.MaxValue, Window, at, CancellationToken.None).WaitAsync(Timeout)).Granted);
            if (!pending)
            {
                await ledger.SettleAsync(scopes, token.Key, counted: true, int.MaxValue, Window, at, CancellationToken.None).WaitAsync(Timeout);
            }
        }

        return c.Settle
            ? await ledger.SettleAsync(c.Scopes, c.Token, c.Counted, Limit, Window, Now, CancellationToken.None).WaitAsync(Timeout)
            : await ledger.TakeAsync(c.Scopes, c.Token, Limit, Window, Now, CancellationToken.None).WaitAsync(Timeout);
    }

    /// <summary>
    /// What a ledger shows of a scope's entries from outside: with a limit of their number a take is refused, busy
    /// exactly when one is pending and not stale, freeing when the oldest leaves the window; with one more, granted.
    /// </summary>
    public static async Task AssertLedgerHoldsAsync(IWrongCodeLedger ledger, string scope, WrongCodeEntry[] expected)
    {
        if (expected.Length > 0)
        {
            var busy = expected.Any(e => e.Pending && e.At > Now - WrongCodeRules.PendingTimeout);
            Assert.Equal(
                new WrongCodeTake(false, busy, expected.Min(e => e.At) + Window),
                await ledger.TakeAsync([scope], "probe-refused", expected.Length, Window, Now, CancellationToken.None).WaitAsync(Timeout));
        }

        Assert.True((await ledger.TakeAsync([scope], "probe-granted", expected.Length + 1, Window, Now, CancellationToken.None).WaitAsync(Timeout)).Granted, scope);
    }

    /// <summary>A scope's entries as comparable text, in time order.</summary>
    public static string Describe(IEnumerable<WrongCodeEntry> entries) =>
        string.Join(", ", entries.OrderBy(e => e.At).ThenBy(e => e.Token, StringComparer.Ordinal)
            .Select(e => $"{(e.Pending ? "P" : "W")}({e.Token}, {(e.At - Now).TotalSeconds})"));

    private static TimeSpan Timeout => TimeSpan.FromSeconds(10);

    private static (object, IReadOnlyList<IReadOnlyList<WrongCodeEntry>>) Unpack<T>(WrongCodeStep<T> step) => (step.Result!, step.Scopes);

    private static WrongCodeEntry W(string token, int at) => new(token, At(at), Pending: false);

    private static WrongCodeEntry P(string token, int at) => new(token, At(at), Pending: true);

    private static Dictionary<string, WrongCodeEntry[]> Scopes(params (string Scope, WrongCodeEntry[] Entries)[] scopes) =>
        scopes.ToDictionary(s => s.Scope, s => s.Entries, StringComparer.Ordinal);

    private static WrongCodeRuleCase Take(string name, Dictionary<string, WrongCodeEntry[]> given, string[] scopes, WrongCodeTake expected, Dictionary<string, WrongCodeEntry[]> then) =>
        new(name, given, Settle: false, scopes, Token, Counted: false, expected, then);

    private static WrongCodeRuleCase Settle(string name, Dictionary<string, WrongCodeEntry[]> given, string[] scopes, bool counted, WrongCodeSettled expected, Dictionary<string, WrongCodeEntry[]> then) =>
        new(name, given, Settle: true, scopes, Token, counted, expected, then);
}
