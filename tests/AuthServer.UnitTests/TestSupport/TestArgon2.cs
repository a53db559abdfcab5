using Microsoft.Extensions.Options;
using Recovery.AuthServer.Common;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.Security;

namespace Recovery.AuthServer.UnitTests.TestSupport;

/// <summary>Hashers over the real engines and one shared gate (its threads live as long as the test run).</summary>
internal static class TestArgon2
{
    public static readonly Argon2Gate Gate = new(Environment.ProcessorCount, 10_000, TimeProvider.System);

    public static Argon2EngineSelector Only(IArgon2Engine engine) => new(engine, new KonsciousArgon2Engine());

    public static Argon2idPasswordHasher Hasher(Argon2Options? options = null, SecretKeys? keys = null, IRandomSource? random = null, Argon2EngineSelector? engines = null) =>
        new(Options.Create(options ?? new Argon2Options()), keys ?? TestKeys.Create(), random ?? new CryptoRandomSource(),
            engines ?? Only(new LibsodiumArgon2Engine()), Gate, new RequestDeadline(TimeProvider.System));
}
