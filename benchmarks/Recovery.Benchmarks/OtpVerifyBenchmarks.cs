using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using Recovery.AuthServer.Otp;
using Recovery.AuthServer.Security;
using Recovery.AuthServer.Storage.InMemory;

namespace Recovery.Benchmarks;

/// <summary>
/// The cost of checking a one-time code on the embedded store, against the floor of one HMAC-SHA256
/// plus one fixed-time compare (the baseline): what the engine adds is bookkeeping.
/// </summary>
[MemoryDiagnoser]
public class OtpVerifyBenchmarks
{
    private const int Challenges = 1024;
    private readonly byte[] key = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] binding = OtpEngine.Binding("recovery", "benchmark");
    private readonly byte[] stored = new byte[32];
    private readonly string[] ids = Enumerable.Range(0, Challenges).Select(i => "c" + i).ToArray();
    private readonly byte[] totpSecret = RandomNumberGenerator.GetBytes(20);
    private OtpEngine engine = null!;
    private OtpCodeGenerator generator = null!;
    private int next;

    [GlobalSetup]
    public void Setup()
    {
        var keys = new SecretKeys(RandomNumberGenerator.GetBytes(32), key, RandomNumberGenerator.GetBytes(32));
        var store = new InMemoryChallengeStore(TimeProvider.System);
        var options = Options.Create(new OtpOptions { MaxAttemptsPerCode = int.MaxValue, MaxFailuresPerChallenge = int.MaxValue });
        var random = new CryptoRandomSource();
        generator = new OtpCodeGenerator(random);
        engine = new OtpEngine(store, generator, keys, random, options, TimeProvider.System);
        foreach (var id in ids)
        {
            engine.IssueAsync(id, binding, 6, deliverable: true, CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    [Benchmark(Baseline = true)]
    public bool HmacAndCompare()
    {
        var mac = HMACSHA256.HashData(key, "000000"u8);
        return CryptographicOperations.FixedTimeEquals(mac, stored);
    }

    [Benchmark]
    public async Task<bool> EngineVerifyWrongCode()
    {
        // Limits are lifted so every call takes the same path: a wrong code with tries left.
        var id = ids[next++ % Challenges];
        var result = await engine.VerifyAsync(id, binding, "000000", CancellationToken.None);
        return result.Status == Recovery.AuthServer.Otp.VerifyStatus.Incorrect;
    }

    [Benchmark]
    public string GenerateCode() => generator.Next(6);

    /// <summary>An authenticator-app code checked over a ±1 step window: three TOTPs, no early exit.</summary>
    [Benchmark]
    public long TotpWindowWrongCode() => TotpCode.FindStep(totpSecret, "000000", 59_000_000, 1);
}
