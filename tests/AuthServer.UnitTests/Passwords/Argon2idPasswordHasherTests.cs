using System.Text;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Passwords;

/// <summary>One hash computed once for the class: each Argon2id run at m=19 MiB costs ~100 ms.</summary>
public sealed class Argon2HashFixture
{
    public const string Password = "Tr3s-Tristes-Tigres";

    public Argon2HashFixture()
    {
        Hash = Argon2idPasswordHasherTests.Hasher().HashAsync(Password, CancellationToken.None).GetAwaiter().GetResult();
    }

    public string Hash { get; }
}

public class Argon2idPasswordHasherTests(Argon2HashFixture fixture) : IClassFixture<Argon2HashFixture>
{
    private readonly CancellationToken ct = CancellationToken.None;

    [Fact]
    public void HashAsync_DefaultOptions_WritesArgon2idPhcWithPepperId()
    {
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1,keyid=p1$", fixture.Hash, StringComparison.Ordinal);
        Assert.True(PhcString.TryParse(fixture.Hash, out var phc));
        Assert.Equal(16, phc!.Salt.Length);
        Assert.Equal(32, phc.Hash.Length);
        Assert.DoesNotContain(Argon2HashFixture.Password, fixture.Hash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HashAsync_SaltComesFromTheRandomSource()
    {
        var random = new ScriptedRandom();
        var expectedSalt = new byte[16];
        new ScriptedRandom().Fill(expectedSalt);

        var hash = await Hasher(random: random).HashAsync("Otra-Clave-9#", ct);

        Assert.True(PhcString.TryParse(hash, out var phc));
        Assert.Equal(expectedSalt, phc!.Salt);
    }

    [Fact]
    public async Task VerifyAsync_RightPassword_Success()
    {
        Assert.Equal(PasswordVerification.Success, await Hasher().VerifyAsync(fixture.Hash, Argon2HashFixture.Password, ct));
    }

    [Fact]
    public async Task VerifyAsync_WrongPassword_Failed()
    {
        Assert.Equal(PasswordVerification.Failed, await Hasher().VerifyAsync(fixture.Hash, "Tr3s-Tristes-Tigre", ct));
    }

    [Fact]
    public async Task VerifyAsync_LongerPassword_IsNotTruncatedToMatch()
    {
        Assert.Equal(PasswordVerification.Failed, await Hasher().VerifyAsync(fixture.Hash, Argon2HashFixture.Password + "X", ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a hash")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1,keyid=p1$$")]
    [InlineData("$argon2id$v=19$m=999999999,t=2,p=1,keyid=p1$AQIDBAUGBwgJCgsMDQ4PEA$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM")]
    public async Task VerifyAsync_MalformedStoredHash_FailedWithoutThrowing(string stored)
    {
        Assert.Equal(PasswordVerification.Failed, await Hasher().VerifyAsync(stored, Argon2HashFixture.Password, ct));
    }

    [Theory]
    [InlineData(4_194_304, 2, 1)] // m = 4 GiB
    [InlineData(Argon2Options.MaxMemoryKib + 1, 2, 1)]
    [InlineData(19_456, Argon2Options.MaxIterations + 1, 1)]
    [InlineData(19_456, 2, Argon2Options.MaxParallelism + 1)]
    public async Task VerifyAsync_StoredCostAboveWhatTheServerCouldConfigure_FailedWithoutAllocating(int memoryKib, int iterations, int parallelism)
    {
        // A planted hash that is otherwise well formed (the real salt and hash of the right password):
        // only its cost is hostile. The engine records every cost it is asked to compute.
        var hostile = Parse(fixture.Hash) with { MemoryKib = memoryKib, Iterations = iterations, Parallelism = parallelism };
        var engine = new CostRecordingEngine(new LibsodiumArgon2Engine());
        var hasher = Hasher(engines: new Argon2EngineSelector(engine, engine));

        var result = await hasher.VerifyAsync(hostile.ToString(), Argon2HashFixture.Password, ct);

        Assert.Equal(PasswordVerification.Failed, result);
        Assert.DoesNotContain(engine.Costs, c => c.MemoryKib > Argon2Options.MaxMemoryKib || c.Iterations > Argon2Options.MaxIterations ||
            c.Parallelism > Argon2Options.MaxParallelism);
    }

    [Fact]
    public async Task VerifyAsync_TamperedHashBytes_Failed()
    {
        var phc = Parse(fixture.Hash);
        var tampered = phc with { Hash = phc.Hash.Select((b, i) => i == 0 ? (byte)(b ^ 1) : b).ToArray() };

        Assert.Equal(PasswordVerification.Failed, await Hasher().VerifyAsync(tampered.ToString(), Argon2HashFixture.Password, ct));
    }

    [Fact]
    public async Task VerifyAsync_DifferentPepperId_Failed()
    {
        var hasher = Hasher(keys: TestKeys.Create(pepperId: "p2"));

        Assert.Equal(PasswordVerification.Failed, await hasher.VerifyAsync(fixture.Hash, Argon2HashFixture.Password, ct));
    }

    [Fact]
    public async Task VerifyAsync_RetiredPepperStillConfigured_SuccessRehashNeeded()
    {
        // The fixture hash was made with pepper id p1 (byte 3); the pepper has since rotated to p2.
        var rotated = new SecretKeys(TestKeys.Key(1), TestKeys.Key(2), TestKeys.Key(9), "p2",
            new Dictionary<string, byte[]> { ["p1"] = TestKeys.Key(3) });
        var hasher = Hasher(keys: rotated);

        Assert.Equal(PasswordVerification.SuccessRehashNeeded, await hasher.VerifyAsync(fixture.Hash, Argon2HashFixture.Password, ct));
        Assert.Equal(PasswordVerification.Failed, await hasher.VerifyAsync(fixture.Hash, "Tr3s-Tristes-Tigre", ct));
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1,keyid=p2$", await hasher.HashAsync(Argon2HashFixture.Password, ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_SamePepperIdButDifferentPepper_Failed()
    {
        var hasher = Hasher(keys: TestKeys.Create(pepper: 77));

        Assert.Equal(PasswordVerification.Failed, await hasher.VerifyAsync(fixture.Hash, Argon2HashFixture.Password, ct));
    }

    [Fact]
    public async Task VerifyAsync_StoredWithFewerIterationsThanConfigured_SuccessRehashNeeded()
    {
        var stronger = Hasher(new Argon2Options { MemoryKib = 19_456, Iterations = 3, Parallelism = 1 });

        Assert.Equal(PasswordVerification.SuccessRehashNeeded, await stronger.VerifyAsync(fixture.Hash, Argon2HashFixture.Password, ct));
    }

    [Fact]
    public async Task VerifyAsync_StoredWithStrongerParametersThanConfigured_Success()
    {
        var hash = await Hasher(new Argon2Options { MemoryKib = 19_456, Iterations = 3, Parallelism = 1 }).HashAsync("Mas-Fuerte-2026!", ct);

        Assert.Equal(PasswordVerification.Success, await Hasher().VerifyAsync(hash, "Mas-Fuerte-2026!", ct));
    }

    [Fact]
    public async Task VerifyAsync_WrongPasswordWithWeakerStoredParameters_FailedNotRehash()
    {
        var stronger = Hasher(new Argon2Options { MemoryKib = 19_456, Iterations = 3, Parallelism = 1 });

        Assert.Equal(PasswordVerification.Failed, await stronger.VerifyAsync(fixture.Hash, "wrong", ct));
    }

    [Fact]
    public async Task VerifyAsync_NfkcEquivalentPassword_Success()
    {
        const string composed = "Contrase\u00F1a-\uFF21\uFF22-9"; // ñ precomposed, full-width "ＡＢ"
        const string decomposed = "Contrasen\u0303a-AB-9"; // n + combining tilde, ASCII "AB"
        Assert.NotEqual(composed, decomposed);
        Assert.Equal(composed.Normalize(NormalizationForm.FormKC), decomposed.Normalize(NormalizationForm.FormKC));

        var hasher = Hasher();
        var hash = await hasher.HashAsync(composed, ct);

        Assert.Equal(PasswordVerification.Success, await hasher.VerifyAsync(hash, decomposed, ct));
    }

    [Fact]
    public async Task VerifyAsync_CancelledToken_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Hasher().VerifyAsync(fixture.Hash, Argon2HashFixture.Password, cts.Token));
    }

    [Fact]
    public async Task VerifyAsync_HashFromKonscious_VerifiesWithLibsodiumAndBack()
    {
        var konscious = Hasher(engines: TestArgon2.Only(new KonsciousArgon2Engine()));
        var libsodium = Hasher(engines: TestArgon2.Only(new LibsodiumArgon2Engine()));

        var byKonscious = await konscious.HashAsync("Cruzado-Konscious-7", ct);
        var byLibsodium = await libsodium.HashAsync("Cruzado-Sodio-8", ct);

        Assert.Equal(PasswordVerification.Success, await libsodium.VerifyAsync(byKonscious, "Cruzado-Konscious-7", ct));
        Assert.Equal(PasswordVerification.Success, await konscious.VerifyAsync(byLibsodium, "Cruzado-Sodio-8", ct));
        Assert.Equal(PasswordVerification.Failed, await libsodium.VerifyAsync(byKonscious, "Cruzado-Konscious-8", ct));
        Assert.Equal(PasswordVerification.Failed, await konscious.VerifyAsync(byLibsodium, "Cruzado-Sodio-7", ct));
    }

    [Fact]
    public async Task VerifyAsync_TwoLaneHashWithLibsodiumPreferred_FallsBackToKonscious()
    {
        var twoLanes = new Argon2Options { Parallelism = 2 };
        var stored = await Hasher(twoLanes, engines: TestArgon2.Only(new KonsciousArgon2Engine())).HashAsync("Dos-Carriles-2026", ct);

        // libsodium declines p=2; the selector hands the hash to Konscious, so the customer still logs in.
        Assert.Equal(PasswordVerification.Success, await Hasher(twoLanes).VerifyAsync(stored, "Dos-Carriles-2026", ct));
    }

    [Fact]
    public async Task CreateDecoyHash_NoPasswordMatches_FailedAtCurrentCost()
    {
        var hasher = Hasher();
        var decoy = hasher.CreateDecoyHash();

        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1,keyid=p1$", decoy, StringComparison.Ordinal);
        Assert.NotEqual(decoy, hasher.CreateDecoyHash());
        Assert.Equal(PasswordVerification.Failed, await hasher.VerifyAsync(decoy, string.Empty, ct));
    }

    internal static Argon2idPasswordHasher Hasher(Argon2Options? options = null, SecretKeys? keys = null, IRandomSource? random = null, Argon2EngineSelector? engines = null) =>
        TestArgon2.Hasher(options, keys, random, engines);

    private static PhcString Parse(string text)
    {
        Assert.True(PhcString.TryParse(text, out var phc));
        return phc!;
    }

    private sealed class CostRecordingEngine(IArgon2Engine inner) : IArgon2Engine
    {
        public System.Collections.Concurrent.ConcurrentBag<(int MemoryKib, int Iterations, int Parallelism)> Costs { get; } = [];

        public string Name => "recording";

        public bool Supports(int memoryKib, int iterations, int parallelism, int saltLength, int length) => true;

        public byte[] Hash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int memoryKib, int iterations, int parallelism, int length)
        {
            Costs.Add((memoryKib, iterations, parallelism));
            return inner.Supports(memoryKib, iterations, parallelism, salt.Length, length)
                ? inner.Hash(password, salt, memoryKib, iterations, parallelism, length)
                : new byte[length];
        }
    }
}
