using Recovery.AuthServer.Operations;

namespace Recovery.AuthServer.SharedTests.Operations;

/// <summary>
/// The table of <see cref="OperationRules"/>: every row runs on the pure functions (UnitTests,
/// <c>OperationRulesTests</c>), on the in-memory store (UnitTests) and on Redis (IntegrationTests), through
/// <see cref="OperationRuleContract"/>. A row that passes on the functions and fails on a store is a store
/// that does not apply the rule.
/// </summary>
internal static class OperationRuleCases
{
    public const string Reference = "23522111";

    public static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(1);

    private static readonly OperationState[] Final = [OperationState.Signed, OperationState.Cancelled, OperationState.Expired];

    /// <summary>When op-1 (if given) ends.</summary>
    public static DateTimeOffset End => Start + Lifetime;

    public static IReadOnlyList<OperationRuleCase> All { get; } = Build();

    public static TheoryData<string> Names => [.. All.Select(c => c.Name)];

    public static OperationRuleCase Named(string name) => All.Single(c => c.Name == name);

    /// <summary>The step on the pure functions: (answer, op-1 after, holder after).</summary>
    public static (object Result, OperationSnapshot? Then, string? Holder) OnRules(OperationRuleCase c)
    {
        var given = c.Given;
        var holder = given is null ? null : "op-1";
        switch (c.Step.Action)
        {
            case OperationAction.Create:
                var hold = given is null ? null : new ReferenceHold("op-1", given.State == OperationState.Pending, End);
                var free = OperationRules.IsReferenceFree(hold, c.Step.Candidate, c.Now);
                return (free, given, free ? c.Step.Candidate : holder);
            case OperationAction.Complete:
                if (given is null)
                {
                    return (false, null, holder);
                }

                var completes = OperationRules.CanComplete(given.State, c.Step.Target);
                return (completes, completes ? given with { State = c.Step.Target } : given, holder);
            default:
                if (given is null)
                {
                    return (new CardCheckTake(CardCheckTakeStatus.NotFound, 0), null, holder);
                }

                var take = OperationRules.TakeCardCheck(given.CardChecksUsed, c.Step.Max);
                return (take, take.Status == CardCheckTakeStatus.Taken ? given with { CardChecksUsed = take.Used } : given, holder);
        }
    }

    /// <summary>
    /// The step on a store: op-1 is brought to <see cref="OperationRuleCase.Given"/> through the store's own calls
    /// at <see cref="Start"/>, the clock is moved to the step's time, the step runs, and the store is read back.
    /// </summary>
    public static async Task<(object Result, OperationSnapshot? Then, string? Holder, bool CandidateStored)> OnStoreAsync(
        OperationRuleCase c, IOperationStore store, Action<DateTimeOffset> setClock)
    {
        var ct = CancellationToken.None;
        if (c.Given is { } given)
        {
            Assert.True(await store.TryCreateAsync(Operation("op-1"), ct).WaitAsync(Timeout));
            for (var i = 0; i < given.CardChecksUsed; i++)
            {
                Assert.Equal(CardCheckTakeStatus.Taken, (await store.TryTakeCardCheckAsync("op-1", given.CardChecksUsed, ct).WaitAsync(Timeout)).Status);
            }

            if (given.State != OperationState.Pending)
            {
                Assert.True(await store.TryCompleteAsync("op-1", given.State, ct).WaitAsync(Timeout));
            }
        }

        setClock(c.Now);
        object result = c.Step.Action switch
        {
            OperationAction.Create => await store.TryCreateAsync(Operation(c.Step.Candidate), ct).WaitAsync(Timeout),
            OperationAction.Complete => await store.TryCompleteAsync("op-1", c.Step.Target, ct).WaitAsync(Timeout),
            _ => await store.TryTakeCardCheckAsync("op-1", c.Step.Max, ct).WaitAsync(Timeout),
        };

        var op1 = await store.GetAsync("op-1", ct).WaitAsync(Timeout);
        var holder = await store.FindByReferenceAsync(Reference, ct).WaitAsync(Timeout);
        var candidateStored = c.Step.Action == OperationAction.Create && await store.GetAsync(c.Step.Candidate, ct).WaitAsync(Timeout) is not null;
        return (result, op1 is null ? null : new OperationSnapshot(op1.State, op1.CardChecksUsed), holder?.Id, candidateStored);
    }

    public static void AssertOutcome(OperationRuleCase c, object result, OperationSnapshot? then, string? holder)
    {
        Assert.Equal(c.Expected, result);
        Assert.Equal(c.Then, then);
        Assert.Equal(c.HolderAfter, holder);
    }

    /// <summary>An operation of the table: created at <see cref="Start"/>, ending at <see cref="End"/>.</summary>
    public static OperationRecord Operation(string id) => PendingOperation.Of(id, Reference, Start, End);

    private static TimeSpan Timeout => TimeSpan.FromSeconds(10);

    private static List<OperationRuleCase> Build()
    {
        var pending = new OperationSnapshot(OperationState.Pending);
        var cases = new List<OperationRuleCase>
        {
            // IsReferenceFree
            new("create/no holder: free", null, Soon, OperationStep.Create("op-2"), true, null, "op-2"),
            new("create/pending holder before its end: taken", pending, Lifetime - Soon, OperationStep.Create("op-2"), false, pending, "op-1"),
            new("create/pending holder at its end: free", pending, Lifetime, OperationStep.Create("op-2"), true, pending, "op-2"),
            new("create/same operation again while pending: harmless, nothing rewritten", pending with { CardChecksUsed = 1 }, Soon,
                OperationStep.Create("op-1"), true, pending with { CardChecksUsed = 1 }, "op-1"),

            // TakeCardCheck
            new("card check/no operation: not found", null, Soon, OperationStep.TakeCardCheck(3), new CardCheckTake(CardCheckTakeStatus.NotFound, 0), null, null),
            new("card check/first of 3: taken", pending, Soon, OperationStep.TakeCardCheck(3), new CardCheckTake(CardCheckTakeStatus.Taken, 1), pending with { CardChecksUsed = 1 }, "op-1"),
            new("card check/last of 3: taken", pending with { CardChecksUsed = 2 }, Soon, OperationStep.TakeCardCheck(3),
                new CardCheckTake(CardCheckTakeStatus.Taken, 3), pending with { CardChecksUsed = 3 }, "op-1"),
            new("card check/none of 3 left: exhausted, count kept", pending with { CardChecksUsed = 3 }, Soon, OperationStep.TakeCardCheck(3),
                new CardCheckTake(CardCheckTakeStatus.Exhausted, 3), pending with { CardChecksUsed = 3 }, "op-1"),
            new("card check/limit of 1 used: exhausted", pending with { CardChecksUsed = 1 }, Soon, OperationStep.TakeCardCheck(1),
                new CardCheckTake(CardCheckTakeStatus.Exhausted, 1), pending with { CardChecksUsed = 1 }, "op-1"),
            new("card check/limit raised above the count: taken", pending with { CardChecksUsed = 3 }, Soon, OperationStep.TakeCardCheck(5),
                new CardCheckTake(CardCheckTakeStatus.Taken, 4), pending with { CardChecksUsed = 4 }, "op-1"),

            // The store does not judge the state or the time for a card check: the lifecycle refuses a
            // non-pending operation before it takes one.
            new("card check/signed operation: still counted", new OperationSnapshot(OperationState.Signed), Soon, OperationStep.TakeCardCheck(3),
                new CardCheckTake(CardCheckTakeStatus.Taken, 1), new OperationSnapshot(OperationState.Signed, 1), "op-1"),

            // CanComplete
            new("complete/no operation: refused", null, Soon, OperationStep.Complete(OperationState.Signed), false, null, null),
            new("complete/pending past its end: completes (the lifecycle judges the time)", pending, Lifetime + TimeSpan.FromMinutes(1),
                OperationStep.Complete(OperationState.Expired), true, new OperationSnapshot(OperationState.Expired), "op-1"),
        };

        foreach (var state in Final)
        {
            // A closed holder frees its reference at once, and keeps its own state.
            cases.Add(new($"create/{state} holder: free", new OperationSnapshot(state), Soon, OperationStep.Create("op-2"), true, new OperationSnapshot(state), "op-2"));

            cases.Add(new($"complete/Pending to {state}: completes", pending with { CardChecksUsed = 2 }, Soon, OperationStep.Complete(state),
                true, new OperationSnapshot(state, 2), "op-1"));
            foreach (var target in Final)
            {
                cases.Add(new($"complete/{state} to {target}: refused, state kept", new OperationSnapshot(state), Soon, OperationStep.Complete(target),
                    false, new OperationSnapshot(state), "op-1"));
            }
        }

        return cases;
    }
}
