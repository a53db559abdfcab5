using Recovery.AuthServer.Customers;
using static Recovery.AuthServer.SharedTests.Customers.CustomerRuleStep;

namespace Recovery.AuthServer.SharedTests.Customers;

/// <summary>
/// The table of <see cref="CustomerRuleContract"/>: every branch of <see cref="CredentialRules"/>,
/// <see cref="LoginAttempts"/> and <see cref="RecoveryBlock.Escalate"/>, as credentials given, steps taken (with the
/// time where the rule depends on it) and what each step and the credentials must be afterwards. Times are whole
/// seconds, so the Redis provider (milliseconds) sees exactly the same instants.
/// </summary>
public static class CustomerRuleCases
{
    private const int Max = 5;
    private const int Depth = 5;

    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Lease = T0.AddMinutes(2);
    private static readonly DateTimeOffset TemporaryEnd = T0.AddHours(24);
    private static readonly byte[] Mac1 = [1, 2, 3, 4];
    private static readonly byte[] Mac2 = [9, 8, 7, 6];
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    /// <summary>Credentials in force, as imported: a password, two earlier ones, some version.</summary>
    private static readonly CredentialRecord Active = new()
    {
        CustomerId = StoreRuleTarget.CustomerId,
        PasswordHash = "pw-old",
        History = ["pw-h1", "pw-h2"],
        Version = 3,
    };

    private static readonly CredentialRecord Blocked = Active with { State = CredentialState.Blocked, FailedLogins = Max };

    /// <summary>Just after a recovery: no password, the temporary one in force.</summary>
    private static readonly CredentialRecord Restored = Active with
    {
        PasswordHash = null,
        History = ["pw-old", "pw-h1", "pw-h2"],
        TemporaryPasswordMac = Mac1,
        TemporaryPasswordExpiresAt = TemporaryEnd,
        Version = 4,
    };

    public static IReadOnlyList<CustomerRuleCase> All { get; } =
    [
        // LoginAttempts.Record: a wrong current password at the change screen, outside any try.
        Case("record: below the maximum, counted and still active",
            Active with { FailedLogins = 3 },
            [Record(Max).Gives(new LoginFailure(4, false, false))],
            Active with { FailedLogins = 4 }),
        Case("record: reaching the maximum, blocks just then",
            Active with { FailedLogins = 4 },
            [Record(Max).Gives(new LoginFailure(5, true, true))],
            Blocked),
        Case("record: already blocked, counted but not just blocked",
            Blocked,
            [Record(Max).Gives(new LoginFailure(6, false, true))],
            Blocked with { FailedLogins = 6 }),
        Case("record: imported blocked without failures, stays blocked",
            Active with { State = CredentialState.Blocked },
            [Record(Max).Gives(new LoginFailure(1, false, true))],
            Active with { State = CredentialState.Blocked, FailedLogins = 1 }),

        // LoginAttempts.Begin: a try is taken before the password is evaluated.
        Case("begin: clean credentials, a try taken with nothing counted before",
            Active,
            [Begin("a").Gives(Taken(0))],
            Active),
        Case("begin: failures counted, reported as failed before",
            Active with { FailedLogins = 2 },
            [Begin("a").Gives(Taken(2))],
            Active with { FailedLogins = 2 }),
        Case("begin: blocked, nothing taken",
            Blocked,
            [Begin("a").Gives(new LoginTryStart(LoginTryStatus.Blocked, Max))],
            Blocked),
        Case("begin: failures plus tries under way at the maximum, exhausted",
            Active with { FailedLogins = 3 },
            [Begin("a").Gives(Taken(3)), Begin("b").Gives(Taken(3)), Begin("c").Gives(Exhausted(3))],
            Active with { FailedLogins = 3 }),
        Case("begin: five tries under way, the sixth exhausted",
            Active,
            [.. Enumerable.Range(0, Max).Select(i => Begin("t" + i).Gives(Taken(0))), Begin("t5").Gives(Exhausted(0))],
            Active),
        Case("begin: a lease that ran out counts as a failure",
            Active,
            [Begin("dead").Gives(Taken(0)), Begin("b", Lease, Lease.AddMinutes(2)).Gives(Taken(1))],
            Active with { FailedLogins = 1 }),
        Case("begin: a lease one second from its end still runs",
            Active,
            [Begin("slow").Gives(Taken(0)), Begin("b", Lease.AddSeconds(-1), Lease.AddMinutes(2)).Gives(Taken(0))],
            Active),
        Case("begin: leases that ran out reach the maximum, blocked",
            Active with { FailedLogins = 3 },
            [Begin("a").Gives(Taken(3)), Begin("b").Gives(Taken(3)), Begin("c", Lease, Lease.AddMinutes(2)).Gives(new LoginTryStart(LoginTryStatus.Blocked, Max))],
            Blocked),

        // LoginAttempts.Fail: a wrong password ends its try as a counted failure.
        Case("fail: the try becomes a counted failure",
            Active,
            [Begin("a").Gives(Taken(0)), Fail("a", Max).Gives(new LoginFailure(1, false, false))],
            Active with { FailedLogins = 1 }),
        Case("fail: the fifth counted failure blocks, once",
            Active with { FailedLogins = 4 },
            [Begin("a").Gives(Taken(4)), Fail("a", Max).Gives(new LoginFailure(5, true, true)), Begin("b").Gives(new LoginTryStart(LoginTryStatus.Blocked, Max))],
            Blocked),
        Case("fail: a try whose lease ran out is not counted twice",
            Active,
            [Begin("dead").Gives(Taken(0)), Begin("b", Lease, Lease.AddMinutes(2)).Gives(Taken(1)), Fail("dead", Max).Gives(new LoginFailure(1, false, false))],
            Active with { FailedLogins = 1 }),
        Case("fail: blocked while the try ran, counted and blocked but not just blocked",
            Active with { FailedLogins = 3 },
            [
                Begin("a").Gives(Taken(3)),
                Record(Max).Gives(new LoginFailure(4, false, false)),
                Record(Max).Gives(new LoginFailure(5, true, true)),
                Fail("a", Max).Gives(new LoginFailure(6, false, true)),
            ],
            Blocked with { FailedLogins = 6 }),

        // LoginAttempts.Succeed and CredentialRules.KeepUpgradedHash: a right password.
        Case("succeed: clears the failures counted before its try",
            Active with { FailedLogins = 2 },
            [Begin("ok").Gives(Taken(2)), Succeed("ok", 2).Gives(true)],
            Active),
        Case("succeed: keeps the failures of tries that ran beside it",
            Active with { FailedLogins = 2 },
            [
                Begin("ok").Gives(Taken(2)),
                Begin("bad").Gives(Taken(2)),
                Fail("bad", Max).Gives(new LoginFailure(3, false, false)),
                Succeed("ok", 2).Gives(true),
            ],
            Active with { FailedLogins = 1 }),
        Case("succeed: blocked while the try ran, refused and still blocked",
            Active with { FailedLogins = 3 },
            [
                Begin("ok").Gives(Taken(3)),
                Record(Max).Gives(new LoginFailure(4, false, false)),
                Record(Max).Gives(new LoginFailure(5, true, true)),
                Succeed("ok", 3, "pw-rehashed").Gives(false),
            ],
            Blocked),
        Case("succeed: gives its try back",
            Active,
            [.. Enumerable.Range(0, Max).Select(i => Begin("t" + i).Gives(Taken(0))), Succeed("t0", 0).Gives(true), Begin("t5").Gives(Taken(0))],
            Active),
        Case("succeed: the rehashed password stored at the verified version",
            Active,
            [Begin("ok").Gives(Taken(0)), Succeed("ok", 0, "pw-rehashed").Gives(true)],
            Active with { PasswordHash = "pw-rehashed" }),
        Case("succeed: the version moved on meanwhile, the rehashed password not stored",
            Active,
            [Begin("ok").Gives(Taken(0)), Restore(Mac1, "rec:r1").Gives(4L), Succeed("ok", 0, "pw-rehashed").Gives(true)],
            Restored),

        // CredentialRules.EndFirstLogin: the first login after a signed change is paid-for work until one is granted.
        Case("first login: a granted login after a signed change ends the wait",
            Restored,
            [Commit("pw-new", 4, "op:o1").Gives(true), Begin("ok").Gives(Taken(0)), Succeed("ok", 0).Gives(true)],
            Active with { PasswordHash = "pw-new", History = ["pw-old", "pw-h1", "pw-h2"], Version = 5 }),
        Case("first login: a wrong password leaves it waiting",
            Restored,
            [Commit("pw-new", 4, "op:o1").Gives(true), Begin("bad").Gives(Taken(0)), Fail("bad", Max).Gives(new LoginFailure(1, false, false))],
            Active with { PasswordHash = "pw-new", FirstLoginPending = true, FailedLogins = 1, History = ["pw-old", "pw-h1", "pw-h2"], Version = 5 }),
        Case("first login: a refused login (blocked meanwhile) leaves it waiting",
            Active with { PasswordHash = "pw-new", FirstLoginPending = true, FailedLogins = 4 },
            [Begin("ok").Gives(Taken(4)), Record(Max).Gives(new LoginFailure(5, true, true)), Succeed("ok", 4).Gives(false)],
            Blocked with { PasswordHash = "pw-new", FirstLoginPending = true }),
        Case("first login: a new recovery clears it",
            Active with { FirstLoginPending = true },
            [Restore(Mac1, "rec:r1").Gives(4L)],
            Restored),

        // LoginAttempts.Release: the try ended without an evaluation.
        Case("release: the try given back uncounted",
            Active,
            [
                .. Enumerable.Range(0, Max).Select(i => Begin("t" + i).Gives(Taken(0))),
                Begin("t5").Gives(Exhausted(0)),
                Release("t0").Gives(null),
                Begin("t5").Gives(Taken(0)),
            ],
            Active),

        // CredentialRules.Restore: a confirmed recovery.
        Case("restore: blocked credentials unblocked, password retired, temporary one installed",
            Blocked,
            [Restore(Mac1, "rec:r1").Gives(4L)],
            Restored),
        Case("restore: twice, no missing password pushed into the history",
            Active,
            [Restore(Mac1, "rec:r1").Gives(4L), Restore(Mac2, "rec:r2").Gives(5L)],
            Restored with { TemporaryPasswordMac = Mac2, Version = 5 }),
        Case("restore: the same change again, applied once",
            Active,
            [Restore(Mac1, "rec:r1").Gives(4L), new CustomerRuleStep.Restore(Mac2, TemporaryEnd.AddDays(1), Depth, "rec:r1").Gives(4L)],
            Restored),
        Case("restore: settled as dropped first, never applies",
            Active,
            [Settle("rec:r1").Gives(false), Restore(Mac1, "rec:r1").Gives(Dropped), Settle("rec:r1").Gives(false)],
            Active),
        Case("restore: the history keeps the newest up to its depth",
            Active with { History = ["pw-h1", "pw-h2", "pw-h3"] },
            [new CustomerRuleStep.Restore(Mac1, TemporaryEnd, 2, "rec:r1").Gives(4L)],
            Restored with { History = ["pw-old", "pw-h1"] }),
        Case("restore: the recovery block and its count stay",
            Active with { RecoveryBlockedUntil = T0.AddHours(1), RecoveryLockouts = 2 },
            [Restore(Mac1, "rec:r1").Gives(4L)],
            Restored with { RecoveryBlockedUntil = T0.AddHours(1), RecoveryLockouts = 2 }),

        // CredentialRules.Commit: a signed password change.
        Case("commit: at the current version, installed and the temporary one cleared",
            Restored,
            [Commit("pw-new", 4, "op:o1").Gives(true)],
            Active with { PasswordHash = "pw-new", FirstLoginPending = true, History = ["pw-old", "pw-h1", "pw-h2"], Version = 5 }),
        Case("commit: the password in force retired into the history",
            Active,
            [Commit("pw-new", 3, "op:o1").Gives(true)],
            Active with { PasswordHash = "pw-new", FirstLoginPending = true, History = ["pw-old", "pw-h1", "pw-h2"], Version = 4 }),
        Case("commit: the history keeps the newest up to its depth",
            Active,
            [new CustomerRuleStep.Commit("pw-new", 3, 2, "op:o1").Gives(true)],
            Active with { PasswordHash = "pw-new", FirstLoginPending = true, History = ["pw-old", "pw-h1"], Version = 4 }),
        Case("commit: a stale version, refused and nothing changed",
            Restored,
            [Commit("pw-new", 3, "op:o1").Gives(false)],
            Restored),
        Case("commit: the same change again, in force and applied once",
            Active,
            [Commit("pw-new", 3, "op:o1").Gives(true), Commit("pw-other", 4, "op:o1").Gives(true)],
            Active with { PasswordHash = "pw-new", FirstLoginPending = true, History = ["pw-old", "pw-h1", "pw-h2"], Version = 4 }),
        Case("commit: another change at the same version after it, stale",
            Active,
            [Commit("pw-new", 3, "op:o1").Gives(true), Commit("pw-other", 3, "op:o2").Gives(false)],
            Active with { PasswordHash = "pw-new", FirstLoginPending = true, History = ["pw-old", "pw-h1", "pw-h2"], Version = 4 }),
        Case("commit: settled as dropped first, refused",
            Active,
            [Settle("op:o1").Gives(false), Commit("pw-new", 3, "op:o1").Gives(false)],
            Active),
        Case("commit: blocked credentials, unblocked and failures cleared",
            Blocked,
            [Commit("pw-new", 3, "op:o1").Gives(true)],
            Active with { PasswordHash = "pw-new", FirstLoginPending = true, History = ["pw-old", "pw-h1", "pw-h2"], Version = 4 }),

        // CredentialRules.Settle: the outcome of a change, deciding dropped if it had not applied.
        Case("settle: an unknown change decided dropped, and stays so",
            Active,
            [Settle("op:o1").Gives(false), Settle("op:o1").Gives(false)],
            Active),
        Case("settle: applied changes reported applied, changing nothing",
            Active,
            [
                Restore(Mac1, "rec:r1").Gives(4L),
                Commit("pw-new", 4, "op:o1").Gives(true),
                Settle("rec:r1").Gives(true),
                Settle("op:o1").Gives(true),
                Settle("op:o1").Gives(true),
            ],
            Active with { PasswordHash = "pw-new", FirstLoginPending = true, History = ["pw-old", "pw-h1", "pw-h2"], Version = 5 }),

        // RecoveryBlock.Escalate on the customer's lockouts.
        Case("block recovery: the first block lasts the first block",
            Active,
            [BlockRecovery(Hour, Day).Gives(T0 + Hour)],
            Active with { RecoveryBlockedUntil = T0 + Hour, RecoveryLockouts = 1 }),
        Case("block recovery: doubles per earlier block up to the maximum",
            Active,
            [.. new[] { 1, 2, 4, 8, 16, 24, 24 }.Select(h => BlockRecovery(Hour, Day).Gives(T0.AddHours(h)))],
            Active with { RecoveryBlockedUntil = T0 + Day, RecoveryLockouts = 7 }),
        Case("block recovery: imported lockouts escalate from there",
            Active with { RecoveryLockouts = 3 },
            [BlockRecovery(Hour, Day).Gives(T0.AddHours(8))],
            Active with { RecoveryBlockedUntil = T0.AddHours(8), RecoveryLockouts = 4 }),
        Case("block recovery: very many earlier blocks, the maximum",
            Active with { RecoveryLockouts = 60 },
            [BlockRecovery(TimeSpan.FromMinutes(1), Week).Gives(T0 + Week)],
            Active with { RecoveryBlockedUntil = T0 + Week, RecoveryLockouts = 61 }),
        Case("block recovery: a later floor wins, an earlier one does not",
            Active,
            [BlockRecovery(Hour, Week, T0 + Day).Gives(T0 + Day), BlockRecovery(Hour, Week, T0).Gives(T0.AddHours(2))],
            Active with { RecoveryBlockedUntil = T0.AddHours(2), RecoveryLockouts = 2 }),
        Case("block recovery: the login untouched",
            Active with { FailedLogins = 2 },
            [BlockRecovery(Hour, Day).Gives(T0 + Hour), Begin("a").Gives(Taken(2))],
            Active with { FailedLogins = 2, RecoveryBlockedUntil = T0 + Hour, RecoveryLockouts = 1 }),

        // RecoveryBlock.Escalate on a card's count (the recovery store).
        Case("block card: doubles like a customer's block",
            Active,
            [BlockCard(Hour, Day).Gives(T0 + Hour), BlockCard(Hour, Day).Gives(T0.AddHours(2)), BlockCard(Hour, Day).Gives(T0.AddHours(4))],
            Active),
        Case("block card: a later floor wins and the count still escalates",
            Active,
            [BlockCard(Hour, Week, T0 + Day).Gives(T0 + Day), BlockCard(Hour, Week, T0).Gives(T0.AddHours(2))],
            Active),
        Case("block card: counted apart from the customer's lockouts",
            Active with { RecoveryLockouts = 3 },
            [BlockCard(Hour, Day).Gives(T0 + Hour), BlockRecovery(Hour, Day).Gives(T0.AddHours(8))],
            Active with { RecoveryBlockedUntil = T0.AddHours(8), RecoveryLockouts = 4 }),
    ];

    private static readonly Dictionary<string, CustomerRuleCase> ByName = All.ToDictionary(c => c.Name, StringComparer.Ordinal);

    public static CustomerRuleCase Named(string name) => ByName[name];

    private static CustomerRuleCase Case(string name, CredentialRecord given, IReadOnlyList<CustomerRuleStep> steps, CredentialRecord then) =>
        new(name, given, steps, then);

    private static LoginTryStart Taken(int failedBefore) => new(LoginTryStatus.Taken, failedBefore);

    private static LoginTryStart Exhausted(int failedBefore) => new(LoginTryStatus.Exhausted, failedBefore);

    private static CustomerRuleStep.Begin Begin(string tryId) => new CustomerRuleStep.Begin(tryId, T0, Lease, Max);

    private static CustomerRuleStep.Begin Begin(string tryId, DateTimeOffset now, DateTimeOffset leaseEnd) => new CustomerRuleStep.Begin(tryId, now, leaseEnd, Max);

    private static CustomerRuleStep.Fail Fail(string tryId, int max) => new CustomerRuleStep.Fail(tryId, max);

    private static CustomerRuleStep.Succeed Succeed(string tryId, int failedBefore, string? upgradedHash = null) =>
        new CustomerRuleStep.Succeed(tryId, failedBefore, upgradedHash, Active.Version);

    private static CustomerRuleStep.Release Release(string tryId) => new CustomerRuleStep.Release(tryId);

    private static CustomerRuleStep.Record Record(int max) => new CustomerRuleStep.Record(max);

    private static CustomerRuleStep.Restore Restore(byte[] mac, string changeId) => new CustomerRuleStep.Restore(mac, TemporaryEnd, Depth, changeId);

    private static CustomerRuleStep.Commit Commit(string passwordHash, long expectedVersion, string changeId) =>
        new CustomerRuleStep.Commit(passwordHash, expectedVersion, Depth, changeId);

    private static CustomerRuleStep.Settle Settle(string changeId) => new CustomerRuleStep.Settle(changeId);

    private static CustomerRuleStep.BlockRecovery BlockRecovery(TimeSpan first, TimeSpan max, DateTimeOffset? atLeastUntil = null) =>
        new CustomerRuleStep.BlockRecovery(T0, first, max, atLeastUntil);

    private static CustomerRuleStep.BlockCard BlockCard(TimeSpan first, TimeSpan max, DateTimeOffset? atLeastUntil = null) =>
        new CustomerRuleStep.BlockCard(T0, first, max, atLeastUntil);
}
