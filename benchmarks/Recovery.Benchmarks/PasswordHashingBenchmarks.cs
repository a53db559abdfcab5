using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using NSec.Cryptography;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.Security;

namespace Recovery.Benchmarks;

/// <summary>
/// One password hash at the default cost (m=19456 KiB, t=2, p=1). The baseline is the floor: a bare
/// libsodium Argon2id call through NSec. The others are the server's whole path (NFKC, HMAC pepper,
/// engine selection, the admission gate's thread hop, PHC encoding) with each engine, so the Ratio
/// column is the server's cost against raw native code.
/// </summary>
[MemoryDiagnoser]
public class PasswordHashingBenchmarks : IDisposable
{
    private readonly byte[] password = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] salt = RandomNumberGenerator.GetBytes(16);
    private readonly Argon2Parameters parameters = new() { DegreeOfParallelism = 1, MemorySize = 19_456, NumberOfPasses = 2 };
    private Argon2Gate gate = null!;
    private Argon2idPasswordHasher libsodium = null!;
    private Argon2idPasswordHasher konscious = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = Options.Create(new Argon2Options());
        var keys = new SecretKeys(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));
        gate = new Argon2Gate(options, TimeProvider.System);
        var deadline = new RequestDeadline(TimeProvider.System);
        libsodium = new(options, keys, new CryptoRandomSource(), new(new LibsodiumArgon2Engine(), new KonsciousArgon2Engine()), gate, deadline);
        konscious = new(options, keys, new CryptoRandomSource(), new(new KonsciousArgon2Engine(), new KonsciousArgon2Engine()), gate, deadline);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        gate.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public byte[] RawLibsodium() => PasswordBasedKeyDerivationAlgorithm.Argon2id(in parameters).DeriveBytes(password, salt, 32);

    [Benchmark]
    public Task<string> ServerPathLibsodium() => libsodium.HashAsync("Tr3s-Tristes-Tigres", CancellationToken.None);

    [Benchmark]
    public Task<string> ServerPathKonscious() => konscious.HashAsync("Tr3s-Tristes-Tigres", CancellationToken.None);
}
