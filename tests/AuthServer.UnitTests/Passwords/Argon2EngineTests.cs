using Konscious.Security.Cryptography;
using Recovery.AuthServer.Passwords;
using Recovery.AuthServer.UnitTests.TestSupport;

namespace Recovery.AuthServer.UnitTests.Passwords;

public class Argon2EngineTests
{
    // Password bytes 0..31, salt bytes 100..115, m=19456 KiB, t=2, p=1, 32-byte tag. Computed once with
    // libsodium 1.0.22 and reproduced byte for byte by Konscious 1.3.1; RFC 9106 has no vector at this cost.
    private const string DefaultCostTag = "90762E69ADD99D134B30AC4AC4BEC528B25781D5333C813E1C8CB42B32FB9A8D";

    private static readonly byte[] Password = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Salt = Enumerable.Range(100, 16).Select(i => (byte)i).ToArray();

    public static TheoryData<string> Engines => [nameof(Argon2EngineKind.Libsodium), nameof(Argon2EngineKind.Konscious)];

    [Theory]
    [MemberData(nameof(Engines))]
    public void Hash_DefaultCost_MatchesKnownAnswer(string engine)
    {
        var tag = Engine(engine).Hash(Password, Salt, 19_456, 2, 1, 32);

        Assert.Equal(DefaultCostTag, Convert.ToHexString(tag));
    }

    [Theory]
    [InlineData("x", 8, 1, 16)]
    [InlineData("a", 64, 1, 32)]
    [InlineData("contraseña", 256, 2, 32)]
    [InlineData("Tr3s-Tristes-Tigres", 1024, 3, 32)]
    [InlineData("long long long long long long long long long long long long long long", 512, 4, 64)]
    public void Hash_SmallCosts_BothEnginesAgreeByteForByte(string password, int memoryKib, int iterations, int length)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(password);
        var salt = System.Text.Encoding.ASCII.GetBytes("sal-de-16-bytes!");

        var native = new LibsodiumArgon2Engine().Hash(bytes, salt, memoryKib, iterations, 1, length);
        var managed = new KonsciousArgon2Engine().Hash(bytes, salt, memoryKib, iterations, 1, length);

        Assert.Equal(length, native.Length);
        Assert.Equal(Convert.ToHexString(native), Convert.ToHexString(managed));
    }

    [Fact]
    public void Hash_DifferentSalt_DifferentTag()
    {
        var other = Salt.Select(b => (byte)(b ^ 0xFF)).ToArray();

        Assert.NotEqual(new LibsodiumArgon2Engine().Hash(Password, Salt, 64, 1, 1, 32), new LibsodiumArgon2Engine().Hash(Password, other, 64, 1, 1, 32));
    }

    [Fact]
    public void KonsciousLibrary_Rfc9106Section5_3Vector_Matches()
    {
        // RFC 9106 §5.3 uses a secret and associated data, which our engine interface does not expose
        // (the pepper is an HMAC instead) and libsodium cannot take; this checks the managed library itself.
        using var argon = new Argon2id(Enumerable.Repeat((byte)1, 32).ToArray())
        {
            Salt = Enumerable.Repeat((byte)2, 16).ToArray(),
            KnownSecret = Enumerable.Repeat((byte)3, 8).ToArray(),
            AssociatedData = Enumerable.Repeat((byte)4, 12).ToArray(),
            MemorySize = 32,
            Iterations = 3,
            DegreeOfParallelism = 4,
        };

        Assert.Equal("0D640DF58D78766C08C037A34A8B53C9D01EF0452D75B65EB52520E96B01E659", Convert.ToHexString(argon.GetBytes(32)));
    }

    [Theory]
    [InlineData(19_456, 2, 2, 16, 32)]
    [InlineData(19_456, 2, 1, 8, 32)]
    [InlineData(19_456, 2, 1, 32, 32)]
    [InlineData(19_456, 2, 1, 16, 8)]
    public void Supports_ParametersLibsodiumCannotDo_LibsodiumDeclinesKonsciousAccepts(int m, int t, int p, int saltLength, int length)
    {
        Assert.False(new LibsodiumArgon2Engine().Supports(m, t, p, saltLength, length));
        Assert.True(new KonsciousArgon2Engine().Supports(m, t, p, saltLength, length));
    }

    [Fact]
    public void Hash_LibsodiumWithTwoLanes_ThrowsRatherThanComputeSomethingElse()
    {
        Assert.Throws<NotSupportedException>(() => new LibsodiumArgon2Engine().Hash(Password, Salt, 64, 1, 2, 32));
    }

    [Fact]
    public void For_TwoLanes_FallsBackToKonscious()
    {
        var selector = TestArgon2.Only(new LibsodiumArgon2Engine());

        Assert.Equal("Konscious", selector.For(19_456, 2, 2, 16, 32).Name);
        Assert.Equal("Libsodium", selector.For(19_456, 2, 1, 16, 32).Name);
    }

    [Fact]
    public void Choose_AutoWhereLibsodiumLoads_PicksLibsodium()
    {
        Assert.True(LibsodiumArgon2Engine.IsAvailable, LibsodiumArgon2Engine.UnavailableReason);
        Assert.Equal("Libsodium", Argon2EngineSelector.Choose(Argon2EngineKind.Auto).Name);
        Assert.Equal("Konscious", Argon2EngineSelector.Choose(Argon2EngineKind.Konscious).Name);
    }

    private static IArgon2Engine Engine(string name) => name == "Libsodium" ? new LibsodiumArgon2Engine() : new KonsciousArgon2Engine();
}
