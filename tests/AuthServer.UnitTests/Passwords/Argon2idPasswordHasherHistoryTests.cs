using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Passwords;

/// <summary>
/// <see cref="Argon2idPasswordHasher.HashNewAsync"/>: the reuse check and the new hash in one Argon2 when the
/// customer's hashes share their salt, one more per entry that does not. Every Argon2 run is counted by the engine.
/// Cheap parameters (8 KiB, 1 pass): what is counted is the number of runs, not their cost.
/// </summary>
public sealed class Argon2idPasswordHasherHistoryTests
{
    private static readonly Argon2Options Cheap = new() { MemoryKib = 8, Iterations = 1, Parallelism = 1 };

    private static readonly string[] Passwords = ["Primera#Clave01", "Segunda#Clave02", "Tercera#Clave03", "Cuarta#Clave04", "Quinta#Clave05", "Sexta#Clave06"];

    private readonly CountingEngine engine = new();
    private readonly CancellationToken ct = CancellationToken.None;

    [Fact]
    public async Task HashNewAsync_NoEarlierHashes_OneArgon2FreshSaltAndTheHashVerifies()
    {
        var hasher = Hasher();

        var result = await hasher.HashNewAsync("Nueva#Clave2026", [], ct);

        Assert.False(result.IsReused);
        Assert.Equal(1, engine.Runs);
        Assert.Equal(16, Parse(result.Hash!).Salt.Length);
        Assert.Equal(PasswordVerification.Success, await hasher.VerifyAsync(result.Hash!, "Nueva#Clave2026", ct));
    }

    [Fact]
    public async Task HashNewAsync_HistoryBuiltByChanges_AllShareTheFirstHashsSaltAndEachChangeCostsOneArgon2()
    {
        var hasher = Hasher();
        var history = await HistoryAsync(hasher);
        var firstSalt = Parse(history[^1]).Salt;
        var before = engine.Runs;

        var result = await hasher.HashNewAsync("Septima#Clave07", history, ct);

        Assert.All(history, h => Assert.Equal(firstSalt, Parse(h).Salt));
        Assert.False(result.IsReused);
        Assert.Equal(1, engine.Runs - before);
        Assert.Equal(firstSalt, Parse(result.Hash!).Salt);
        Assert.Equal(PasswordVerification.Success, await hasher.VerifyAsync(result.Hash!, "Septima#Clave07", ct));
        Assert.Equal(PasswordVerification.Failed, await hasher.VerifyAsync(result.Hash!, Passwords[^1], ct));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task HashNewAsync_PasswordOfAnySharedEntry_ReusedAtOneArgon2(int index)
    {
        var hasher = Hasher();
        var history = await HistoryAsync(hasher);
        var before = engine.Runs;

        // history is newest first: index 0 is the last password set.
        var result = await hasher.HashNewAsync(Passwords[^(index + 1)], history, ct);

        Assert.True(result.IsReused);
        Assert.Null(result.Hash);
        Assert.Equal(1, engine.Runs - before);
    }

    [Fact]
    public async Task HashNewAsync_NfkcEquivalentOfAnEarlierPassword_Reused()
    {
        var hasher = Hasher();
        var earlier = await hasher.HashAsync("Contrase\u00F1a-\uFF21\uFF22-9", ct);

        var result = await hasher.HashNewAsync("Contrasen\u0303a-AB-9", [earlier], ct);

        Assert.True(result.IsReused);
    }

    [Fact]
    public async Task HashNewAsync_LegacyEntryWithItsOwnSalt_CaughtAtOneMoreArgon2()
    {
        var hasher = Hasher();
        var history = await HistoryAsync(hasher);
        var legacy = await hasher.HashAsync("Importada#Clave99", ct);
        var before = engine.Runs;

        var result = await hasher.HashNewAsync("Importada#Clave99", [.. history.Take(4), legacy], ct);

        Assert.NotEqual(Parse(history[0]).Salt, Parse(legacy).Salt);
        Assert.True(result.IsReused);
        Assert.Equal(2, engine.Runs - before);
    }

    [Fact]
    public async Task HashNewAsync_LegacyEntryNotMatching_OneMoreArgon2AndTheNewHashKeepsTheCustomersSalt()
    {
        var hasher = Hasher();
        var history = await HistoryAsync(hasher);
        var legacy = await hasher.HashAsync("Importada#Clave99", ct);
        var before = engine.Runs;

        var result = await hasher.HashNewAsync("Septima#Clave07", [.. history.Take(4), legacy], ct);

        Assert.False(result.IsReused);
        Assert.Equal(2, engine.Runs - before);
        Assert.Equal(Parse(history[0]).Salt, Parse(result.Hash!).Salt);
    }

    [Fact]
    public async Task HashNewAsync_SharedEntryMatches_LegacyEntriesNotVerified()
    {
        var hasher = Hasher();
        var history = await HistoryAsync(hasher);
        var legacy = await hasher.HashAsync("Importada#Clave99", ct);
        var before = engine.Runs;

        var result = await hasher.HashNewAsync(Passwords[^1], [.. history.Take(5), legacy], ct);

        Assert.True(result.IsReused);
        Assert.Equal(1, engine.Runs - before);
    }

    [Fact]
    public async Task HashNewAsync_EveryEntryAtAnOlderCost_EachVerifiedOnceAndTheNewHashAtTodaysCostWithAFreshSalt()
    {
        // The cost was raised since these hashes were made (t=1 → t=2): none is comparable with a hash at today's cost.
        var older = Hasher();
        var history = await HistoryAsync(older);
        var raised = Hasher(new Argon2Options { MemoryKib = 8, Iterations = 2, Parallelism = 1 });
        var before = engine.Runs;

        var refused = await raised.HashNewAsync(Passwords[0], history, ct);
        var afterRefused = engine.Runs;
        var accepted = await raised.HashNewAsync("Septima#Clave07", history, ct);

        Assert.True(refused.IsReused);
        Assert.Equal(1 + history.Count, afterRefused - before);
        Assert.False(accepted.IsReused);
        Assert.Equal(1 + history.Count, engine.Runs - afterRefused);
        var phc = Parse(accepted.Hash!);
        Assert.Equal(2, phc.Iterations);
        Assert.NotEqual(Parse(history[0]).Salt, phc.Salt);
    }

    [Fact]
    public async Task HashNewAsync_EntryUnderARetiredPepperStillConfigured_VerifiedWithItsPepper()
    {
        var beforeRotation = Hasher();
        var earlier = await beforeRotation.HashAsync("Rotada#Clave11", ct);
        var rotated = Hasher(keys: new SecretKeys(TestKeys.Key(1), TestKeys.Key(2), TestKeys.Key(9), "p2",
            new Dictionary<string, byte[]> { ["p1"] = TestKeys.Key(3) }));

        var reused = await rotated.HashNewAsync("Rotada#Clave11", [earlier], ct);
        var fresh = await rotated.HashNewAsync("Nueva#Clave2026", [earlier], ct);

        Assert.True(reused.IsReused);
        Assert.False(fresh.IsReused);
        Assert.Equal("p2", Parse(fresh.Hash!).KeyId);
        Assert.NotEqual(Parse(earlier).Salt, Parse(fresh.Hash!).Salt);
    }

    [Fact]
    public async Task HashNewAsync_MalformedEntryOrUnknownPepper_MatchesNothingAndCostsNothing()
    {
        var hasher = Hasher();
        var unknownPepper = await Hasher(keys: TestKeys.Create(pepperId: "p0")).HashAsync("Perdida#Clave12", ct);
        var before = engine.Runs;

        var result = await hasher.HashNewAsync("Perdida#Clave12", ["not a hash", unknownPepper, string.Empty], ct);

        Assert.False(result.IsReused);
        Assert.Equal(1, engine.Runs - before);
    }

    [Fact]
    public async Task HashNewAsync_TamperedSharedEntry_NoFalseMatch()
    {
        var hasher = Hasher();
        var history = await HistoryAsync(hasher);
        var phc = Parse(history[0]);
        var tampered = (phc with { Hash = phc.Hash.Select((b, i) => i == 0 ? (byte)(b ^ 1) : b).ToArray() }).ToString();

        var result = await hasher.HashNewAsync(Passwords[^1], [tampered, .. history.Skip(1)], ct);

        Assert.False(result.IsReused);
    }

    /// <summary>Six passwords set one after the other, each through <see cref="IPasswordHasher.HashNewAsync"/>: newest first.</summary>
    private async Task<IReadOnlyList<string>> HistoryAsync(Argon2idPasswordHasher hasher)
    {
        List<string> history = [await hasher.HashAsync(Passwords[0], ct)];
        foreach (var password in Passwords.Skip(1))
        {
            var result = await hasher.HashNewAsync(password, history, ct);
            history.Insert(0, result.Hash ?? throw new InvalidOperationException("A fresh password was found reused."));
        }

        return history;
    }

    private Argon2idPasswordHasher Hasher(Argon2Options? options = null, SecretKeys? keys = null) =>
        TestArgon2.Hasher(options ?? Cheap, keys, engines: TestArgon2.Only(engine));

    private static PhcString Parse(string text)
    {
        Assert.True(PhcString.TryParse(text, out var phc), text);
        return phc!;
    }

    /// <summary>libsodium, counting its runs.</summary>
    private sealed class CountingEngine : IArgon2Engine
    {
        private readonly LibsodiumArgon2Engine inner = new();
        private int runs;

        public int Runs => Volatile.Read(ref runs);

        public string Name => "counting";

        public bool Supports(int memoryKib, int iterations, int parallelism, int saltLength, int length) =>
            inner.Supports(memoryKib, iterations, parallelism, saltLength, length);

        public byte[] Hash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int memoryKib, int iterations, int parallelism, int length)
        {
            Interlocked.Increment(ref runs);
            return inner.Hash(password, salt, memoryKib, iterations, parallelism, length);
        }
    }
}
