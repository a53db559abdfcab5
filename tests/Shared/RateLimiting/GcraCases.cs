using Recovery.AuthServer.RateLimiting;

namespace Recovery.AuthServer.SharedTests.RateLimiting;

/// <summary>
/// GCRA as a table: every branch of <see cref="Gcra.Acquire"/> and <see cref="Gcra.Refund"/> (empty, passed and pending arrival times, the
/// boundary where a call is allowed exactly on its turn, intervals that are not a whole microsecond, several
/// buckets taken all or none, the first refusing bucket answering; a unit given back, never beyond the whole burst,
/// an absent bucket left absent) as rows of calls with their exact answers.
/// The same rows run on the pure function (UnitTests.RateLimiting.GcraTests), the in-memory limiter
/// (UnitTests.Storage.InMemoryGcraContractTests) and the Redis limiter's Lua
/// (IntegrationTests.Storage.RedisGcraContractTests), so a provider that drifts from the function fails a row.
/// </summary>
internal static class GcraCases
{
    /// <summary>Whole seconds: Redis keeps microseconds, and every row's times are whole microseconds.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    private static readonly RateLimitRule OnePerHour = RateLimitRule.Of(1, TimeSpan.FromHours(1));
    private static readonly RateLimitRule OnePerMinute = RateLimitRule.Of(1, TimeSpan.FromMinutes(1));
    private static readonly RateLimitRule TwoPerMinute = RateLimitRule.Of(2, TimeSpan.FromMinutes(1));
    private static readonly RateLimitRule ThreePerMinute = RateLimitRule.Of(3, TimeSpan.FromMinutes(1));
    private static readonly RateLimitRule FivePerHour = RateLimitRule.Of(5, TimeSpan.FromHours(1));
    private static readonly RateLimitRule ThreePerSecond = RateLimitRule.Of(3, TimeSpan.FromSeconds(1));
    private static readonly RateLimitRule TwoPerWeek = RateLimitRule.Of(2, TimeSpan.FromDays(7));

    public static IReadOnlyList<GcraCase> All { get; } =
    [
        Case("Acquire_NoBuckets_Allowed", [], Allowed(Zero)),
        Case("Acquire_EmptyBucket_Allowed", [("card:x", OnePerHour)], Allowed(Zero, "card:x")),
        Case(
            "Acquire_BurstOfTheLimit_AllowedThenRefusedForOneInterval",
            [("card:x", FivePerHour)],
            Burst(5, Zero, "card:x"),
            Refused(Zero, Minutes(12), "card:x", "card:x")),
        Case(
            "Acquire_RefusedCalls_TakeNothing",
            [("card:x", OnePerHour)],
            Allowed(Zero, "card:x"),
            Refused(Zero, Minutes(60), "card:x", "card:x"),
            Refused(Minutes(30), Minutes(30), "card:x", "card:x"),
            Allowed(Minutes(60), "card:x")),
        Case(
            "Acquire_OneMicrosecondBeforeItsTurn_RefusedForOneMicrosecondThenAllowedOnIt",
            [("card:x", ThreePerMinute)],
            Burst(3, Zero, "card:x"),
            Refused(Seconds(20) - Micros(1), Micros(1), "card:x", "card:x"),
            Allowed(Seconds(20), "card:x"),
            Refused(Seconds(20), Seconds(20), "card:x", "card:x")),
        Case(
            "Acquire_AfterRetryAfter_AllowedOnceMore",
            [("card:x", FivePerHour)],
            Burst(5, Zero, "card:x"),
            Refused(Minutes(12) - Seconds(1), Seconds(1), "card:x", "card:x"),
            Allowed(Minutes(12), "card:x"),
            Refused(Minutes(12), Minutes(12), "card:x", "card:x")),
        Case(
            "Acquire_AfterAFullPeriod_WholeBurstAgain",
            [("card:x", TwoPerMinute)],
            Burst(2, Zero, "card:x"),
            Burst(2, Minutes(1), "card:x"),
            Refused(Minutes(1), Seconds(30), "card:x", "card:x")),
        Case(
            "Acquire_PartOfAnIntervalLater_RetryAfterCountsWhatPassed",
            [("doc:x", FivePerHour)],
            Burst(5, Zero, "doc:x"),
            Refused(Minutes(2), Minutes(10), "doc:x", "doc:x")),
        Case(
            "Acquire_IdleForPartOfThePeriod_ThatPartOfTheBurstBack",
            [("card:x", ThreePerMinute)],
            Burst(3, Zero, "card:x"),
            Burst(2, Seconds(40), "card:x"),
            Refused(Seconds(40), Seconds(20), "card:x", "card:x")),
        Case(
            "Acquire_IntervalNotAWholeMicrosecond_RoundedDownAlike",
            [("addr:1", ThreePerSecond)],
            Burst(3, Zero, "addr:1"),
            Refused(Zero, Micros(333_332), "addr:1", "addr:1"),
            Allowed(Micros(333_332), "addr:1"),
            Refused(Micros(333_332), Micros(333_333), "addr:1", "addr:1")),
        Case(
            "Acquire_LongestPeriod_RetryAfterInDays",
            [("phone:p", TwoPerWeek)],
            Burst(2, Zero, "phone:p"),
            Refused(Zero, TimeSpan.FromDays(3.5), "phone:p", "phone:p"),
            Allowed(TimeSpan.FromDays(3.5), "phone:p"),
            Refused(TimeSpan.FromDays(3.5), TimeSpan.FromDays(3.5), "phone:p", "phone:p")),
        Case(
            "Acquire_NowEarlierThanAnEarlierCall_JudgedByTheCallersNow",
            [("card:x", OnePerMinute)],
            Allowed(Seconds(10), "card:x"),
            Refused(Zero, Seconds(70), "card:x", "card:x")),
        Case(
            "Acquire_BucketsAreIndependentByKey",
            [("card:x", OnePerHour), ("card:y", OnePerHour)],
            Allowed(Zero, "card:x"),
            Allowed(Zero, "card:y"),
            Refused(Zero, Minutes(60), "card:x", "card:x")),
        Case(
            "Acquire_EveryBucketAllows_TakesOneFromEach",
            [("card:x", TwoPerMinute), ("addr:1", ThreePerMinute)],
            Burst(2, Zero, "card:x", "addr:1"),
            Refused(Zero, Seconds(30), "card:x", "card:x"),
            Allowed(Zero, "addr:1"),
            Refused(Zero, Seconds(20), "addr:1", "addr:1")),
        Case(
            "Acquire_LastBucketRefuses_NoBucketIsCharged",
            [("card:x", OnePerHour), ("doc:d", OnePerHour)],
            Allowed(Zero, "doc:d"),
            Refused(Zero, Minutes(60), "doc:d", "card:x", "doc:d"),
            Refused(Zero, Minutes(60), "doc:d", "card:x", "doc:d"),
            Allowed(Zero, "card:x")),
        Case(
            "Acquire_FirstBucketRefuses_NoBucketIsCharged",
            [("card:x", OnePerHour), ("addr:1", ThreePerMinute)],
            Allowed(Zero, "card:x"),
            Refused(Zero, Minutes(60), "card:x", "card:x", "addr:1"),
            Refused(Zero, Minutes(60), "card:x", "card:x", "addr:1"),
            Burst(3, Zero, "addr:1"),
            Refused(Zero, Seconds(20), "addr:1", "addr:1")),
        Case(
            "Acquire_TwoBucketsRefuse_TheFirstInTheCallsOrderAnswers",
            [("card:x", OnePerHour), ("doc:d", OnePerMinute)],
            Allowed(Zero, "card:x", "doc:d"),
            Refused(Zero, Minutes(1), "doc:d", "doc:d", "card:x"),
            Refused(Zero, Minutes(60), "card:x", "card:x", "doc:d")),
        Case(
            "Refund_AfterAnAllowedCall_TheUnitIsBack",
            [("login:x", OnePerHour)],
            Allowed(Zero, "login:x"),
            Refund(Zero, "login:x"),
            Allowed(Zero, "login:x"),
            Refused(Zero, Minutes(60), "login:x", "login:x")),
        Case(
            "Refund_PartOfTheWayIntoTheBurst_BackByOneIntervalOnly",
            [("login:x", ThreePerMinute)],
            Burst(3, Zero, "login:x"),
            Refund(Seconds(10), "login:x"),
            Allowed(Seconds(10), "login:x"),
            Refused(Seconds(10), Seconds(10), "login:x", "login:x")),
        Case(
            "Refund_MoreThanWasTaken_NeverMoreThanTheWholeBurst",
            [("login:x", TwoPerMinute)],
            Allowed(Zero, "login:x"),
            Refund(Zero, "login:x"),
            Refund(Zero, "login:x"),
            Refund(Zero, "login:x"),
            Burst(2, Zero, "login:x"),
            Refused(Zero, Seconds(30), "login:x", "login:x")),
        Case(
            "Refund_BackBelowNow_BucketWholeNotBeyond",
            [("login:x", OnePerMinute)],
            Allowed(Zero, "login:x"),
            Refund(Seconds(30), "login:x"),
            Allowed(Seconds(30), "login:x"),
            Refused(Seconds(30), Seconds(60), "login:x", "login:x")),
        Case(
            "Refund_AbsentOrPassedBucket_StaysWhole",
            [("login:x", OnePerMinute)],
            Refund(Zero, "login:x"),
            Allowed(Zero, "login:x"),
            Refund(Minutes(2), "login:x"),
            Allowed(Minutes(2), "login:x"),
            Refused(Minutes(2), Minutes(1), "login:x", "login:x")),
        Case(
            "Refund_SeveralBuckets_OneUnitBackOnEach",
            [("login:x", TwoPerMinute), ("addr:1", ThreePerMinute), ("chan:c", OnePerHour)],
            Allowed(Zero, "chan:c"),
            Burst(2, Zero, "login:x", "addr:1"),
            Refund(Zero, "login:x", "addr:1"),
            Allowed(Zero, "login:x", "addr:1"),
            Refused(Zero, Seconds(30), "login:x", "login:x"),
            Allowed(Zero, "addr:1"),
            Refused(Zero, Seconds(20), "addr:1", "addr:1"),
            Refused(Zero, Minutes(60), "chan:c", "chan:c")),
    ];

    public static TheoryData<string> Names => new(All.Select(c => c.Name));

    private static TimeSpan Zero => TimeSpan.Zero;

    public static GcraCase Named(string name) => All.Single(c => c.Name == name);

    /// <summary>The rows on the pure function, with the stored arrival times kept the way a provider keeps them.</summary>
    public static IReadOnlyList<RateLimitDecision> OnFunction(GcraCase c)
    {
        var stored = new Dictionary<string, long>(StringComparer.Ordinal);
        var answers = new List<RateLimitDecision>();
        foreach (var step in c.Steps)
        {
            var now = Gcra.Micros(step.Now);
            if (step.Refund)
            {
                var refunded = Gcra.Refund(
                    step.Buckets.Select(b => stored.TryGetValue(b, out var tat) ? tat : (long?)null).ToArray(),
                    now,
                    step.Buckets.Select(b => c.Rules[b]).ToArray());
                // Whatever is given back, a bucket kept is still pending (past now): a refund never makes it more than whole.
                Assert.Equal(step.Buckets.Length, refunded.Count);
                for (var i = 0; i < step.Buckets.Length; i++)
                {
                    if (refunded[i] is { } tat)
                    {
                        Assert.True(tat > now);
                        stored[step.Buckets[i]] = tat;
                    }
                    else
                    {
                        stored.Remove(step.Buckets[i]);
                    }
                }

                answers.Add(GcraStep.Refunded);
                continue;
            }

            var decision = Gcra.Acquire(
                step.Buckets.Select(b => stored.TryGetValue(b, out var tat) ? tat : (long?)null).ToArray(),
                now,
                step.Buckets.Select(b => c.Rules[b]).ToArray());
            if (decision.IsAllowed)
            {
                // Allowed: one arrival time per bucket, each past now (a unit taken is never free at once).
                Assert.Equal(step.Buckets.Length, decision.NewTats.Count);
                Assert.All(decision.NewTats, tat => Assert.True(tat > now));
                for (var i = 0; i < step.Buckets.Length; i++)
                {
                    stored[step.Buckets[i]] = decision.NewTats[i];
                }

                answers.Add(new RateLimitDecision(true, TimeSpan.Zero));
            }
            else
            {
                // Refused: nothing to store.
                Assert.Empty(decision.NewTats);
                answers.Add(new RateLimitDecision(false, decision.RetryAfter, step.Buckets[decision.RefusedBy]));
            }
        }

        return answers;
    }

    /// <summary>The rows on a provider's limiter, each call with the row's own now.</summary>
    public static async Task<IReadOnlyList<RateLimitDecision>> OnLimiterAsync(GcraCase c, IRateLimiter limiter)
    {
        var answers = new List<RateLimitDecision>();
        foreach (var step in c.Steps)
        {
            if (step.Refund)
            {
                await limiter.RefundAsync(c.Keys(step), step.Now, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
                answers.Add(GcraStep.Refunded);
                continue;
            }

            answers.Add(await limiter.TryAcquireAsync(c.Keys(step), step.Now, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        }

        return answers;
    }

    public static void AssertAnswers(GcraCase c, IReadOnlyList<RateLimitDecision> answers)
    {
        Assert.Equal(c.Steps.Count, answers.Count);
        for (var i = 0; i < c.Steps.Count; i++)
        {
            // The step in the message: which call of the row went wrong, and what it expected.
            Assert.True(c.Steps[i].Expected == answers[i], $"{c.Name}, call {i + 1} ({c.Steps[i]}): got {answers[i]}");
        }
    }

    private static GcraCase Case(string name, (string Bucket, RateLimitRule Rule)[] buckets, params GcraStep[][] steps) =>
        new(name, buckets.ToDictionary(b => b.Bucket, b => b.Rule, StringComparer.Ordinal), steps.SelectMany(s => s).ToArray());

    private static GcraStep[] Allowed(TimeSpan at, params string[] buckets) => [new(at, buckets, new RateLimitDecision(true, TimeSpan.Zero))];

    private static GcraStep[] Refund(TimeSpan at, params string[] buckets) => [new(at, buckets, GcraStep.Refunded, Refund: true)];

    private static GcraStep[] Burst(int calls, TimeSpan at, params string[] buckets) =>
        Enumerable.Range(0, calls).SelectMany(_ => Allowed(at, buckets)).ToArray();

    private static GcraStep[] Refused(TimeSpan at, TimeSpan retryAfter, string by, params string[] buckets) =>
        [new(at, buckets, new RateLimitDecision(false, retryAfter, by))];

    private static TimeSpan Micros(long micros) => TimeSpan.FromMicroseconds(micros);

    private static TimeSpan Seconds(int seconds) => TimeSpan.FromSeconds(seconds);

    private static TimeSpan Minutes(int minutes) => TimeSpan.FromMinutes(minutes);
}
