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
    private OtpEngine engine = null!;
    private int next;

    [GlobalSetup]
    public void Setup()
    {
        var keys = new SecretKeys(RandomNumberGenerator.GetBytes(32), key, RandomNumberGenerator.GetBytes(32));
        var store = new InMemoryChallengeStore(TimeProvider.System);
        var options = Options.Create(new OtpOptions { MaxAttemptsPerCode = int.MaxValue, MaxFailuresPerChallenge = int.MaxValue });
        var random = new CryptoRandomSource();
        engine = new OtpEngine(store, new OtpCodeGenerator(random), keys, random, options, TimeProvider.System);
        for (var i = 0; i < Challenges; i++)
        {
            engine.IssueAsync("c" + i, binding, 6, deliverable: true, CancellationToken.None).GetAwaiter().GetResult();
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
        var id = "c" + (next++ % Challenges);
        var result = await engine.VerifyAsync(id, binding, "000000", CancellationToken.None);
        return result.Status == Recovery.AuthServer.Storage.VerifyStatus.Incorrect;
    }
}
