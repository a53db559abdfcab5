namespace Recovery.AuthServer.Customers;

/// <summary>
/// The lockout rule, as pure functions over a <see cref="LoginCounter"/>: the in-memory store applies them
/// under its lock, the Redis scripts of <c>RedisCustomerStore</c> mirror them, and the contract suite
/// <c>CustomerRuleContract</c> runs the same cases on these functions and on both providers.
/// </summary>
/// <remarks>
/// A try is taken <em>before</em> the password is evaluated, in one atomic step that sees the failures
/// already counted and the tries under way: at most <c>max</c> evaluations can ever be under way or
/// counted, so N parallel guesses evaluate at most <c>max</c>, on one node or many. A failure turns its
/// try into a counted failure and blocks at <c>max</c>; a success gives its try back and clears the
/// failures counted before it was taken (the bank's "consecutive" rule) but not those of tries that ran
/// beside it, and never opens blocked credentials. A try whose lease ran out (its node died mid-verify)
/// counts as a failure: failing closed, a crash never returns a guess to the attacker.
/// </remarks>
public static class LoginAttempts
{
    public static (LoginCounter Counter, LoginTryStart Start) Begin(LoginCounter counter, DateTimeOffset now, int maxFailures, string tryId, DateTimeOffset leaseEnd)
    {
        var c = Expire(counter, now, maxFailures);
        if (c.Blocked)
        {
            return (c, new LoginTryStart(LoginTryStatus.Blocked, c.Failed));
        }

        if (c.Failed + c.Tries.Count >= maxFailures)
        {
            return (c, new LoginTryStart(LoginTryStatus.Exhausted, c.Failed));
        }

        return (c with { Tries = c.Tries.SetItem(tryId, leaseEnd) }, new LoginTryStart(LoginTryStatus.Taken, c.Failed));
    }

    public static (LoginCounter Counter, LoginFailure Failure) Fail(LoginCounter counter, string tryId, int maxFailures)
    {
        // A try already gone had its lease expire and was counted then: it is not counted twice.
        var failed = counter.Tries.ContainsKey(tryId) ? counter.Failed + 1 : counter.Failed;
        var justBlocked = !counter.Blocked && failed >= maxFailures;
        var c = counter with { Failed = failed, Blocked = counter.Blocked || justBlocked, Tries = counter.Tries.Remove(tryId) };
        return (c, new LoginFailure(failed, justBlocked, c.Blocked));
    }

    /// <summary>
    /// A wrong password outside any try (the current password at the change screen): counted, and blocks at
    /// <paramref name="maxFailures"/>; <see cref="LoginFailure.JustBlocked"/> only on the failure that blocked.
    /// </summary>
    public static (LoginCounter Counter, LoginFailure Failure) Record(LoginCounter counter, int maxFailures)
    {
        var failed = counter.Failed + 1;
        var justBlocked = !counter.Blocked && failed >= maxFailures;
        var c = counter with { Failed = failed, Blocked = counter.Blocked || justBlocked };
        return (c, new LoginFailure(failed, justBlocked, c.Blocked));
    }

    public static (LoginCounter Counter, bool Granted) Succeed(LoginCounter counter, string tryId, int failedBefore)
    {
        var c = counter with { Tries = counter.Tries.Remove(tryId) };
        return c.Blocked ? (c, false) : (c with { Failed = Math.Max(0, c.Failed - failedBefore) }, true);
    }

    /// <summary>The try ended without an evaluation (hashing refused, call cancelled): given back, not counted.</summary>
    public static LoginCounter Release(LoginCounter counter, string tryId) => counter with { Tries = counter.Tries.Remove(tryId) };

    private static LoginCounter Expire(LoginCounter counter, DateTimeOffset now, int maxFailures)
    {
        var expired = counter.Tries.Where(t => t.Value <= now).Select(t => t.Key).ToList();
        if (expired.Count == 0)
        {
            return counter;
        }

        var failed = counter.Failed + expired.Count;
        return counter with { Failed = failed, Blocked = counter.Blocked || failed >= maxFailures, Tries = counter.Tries.RemoveRange(expired) };
    }
}
